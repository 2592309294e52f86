import net from 'node:net';
import { ephemeralRangeStart, freePortsOutsideEphemeralRange } from '../ports.js';

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('freePortsOutsideEphemeralRange', () => {
  it('should give consecutive ports below the ephemeral range that can all be listened on', async () => {
    const start = await ephemeralRangeStart();

    const base = await freePortsOutsideEphemeralRange(6);
    const servers = await Promise.all([0, 1, 2, 3, 4, 5].map((offset) => listen(base + offset)));
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));

    expect(base).toBeGreaterThanOrEqual(10_000);
    expect(base + 5).toBeLessThan(start);
    expect(servers).toHaveLength(6);
  });

  it('should never hand out a port the kernel gives to port-0 listeners', async () => {
    const start = await ephemeralRangeStart();
    const byKernel = await listen(0);
    const kernelPort = (byKernel.address() as net.AddressInfo).port;
    await new Promise((resolve) => byKernel.close(resolve));

    expect(kernelPort).toBeGreaterThanOrEqual(start);
    expect(await freePortsOutsideEphemeralRange()).toBeLessThan(start);
  });
});
