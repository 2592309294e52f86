import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startTcpFaultProxy, type TcpFaultProxy } from '../tcpFaultProxy.js';

/** What a connection through the proxy saw: the bytes that came back, and how it ended. */
function talk(proxy: TcpFaultProxy, message: string) {
  const socket = net.connect(proxy.port, proxy.host);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  const ended = new Promise<string>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.on('close', () => resolve('closed'));
  });
  socket.write(message);
  return { socket, received: () => received, ended };
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('startTcpFaultProxy', () => {
  let echo: net.Server;
  let proxy: TcpFaultProxy;

  beforeEach(async () => {
    echo = net.createServer((socket) => {
      socket.on('data', (chunk) => socket.write(chunk));
      // The proxy resets its side when it cuts a link.
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = await startTcpFaultProxy({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
  });

  afterEach(async () => {
    await proxy.stop();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('should forward bytes both ways while passing', async () => {
    const connection = talk(proxy, 'ping');
    await until(() => connection.received() === 'ping');
    connection.socket.destroy();
  });

  it('should reset open connections and refuse new ones while resetting', async () => {
    const open = talk(proxy, 'before');
    await until(() => open.received() === 'before');
    proxy.setMode('reset');
    expect(await open.ended).toBe('ECONNRESET');
    expect(await talk(proxy, 'during').ended).toBe('ECONNRESET');
    proxy.setMode('pass');
    const after = talk(proxy, 'after');
    await until(() => after.received() === 'after');
    after.socket.destroy();
  });

  it('should hold connections open and deliver nothing in a blackhole, then reset them when passing again', async () => {
    const open = talk(proxy, 'before');
    await until(() => open.received() === 'before');
    proxy.setMode('blackhole');
    open.socket.write(' lost');
    const fresh = talk(proxy, 'unheard');
    await until(() => proxy.connections() === 2);
    // Nothing comes back, and nothing ends, while the hole lasts.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(open.received()).toBe('before');
    expect(fresh.received()).toBe('');
    proxy.setMode('pass');
    expect(await open.ended).toBe('ECONNRESET');
    expect(await fresh.ended).toBe('ECONNRESET');
    const after = talk(proxy, 'after');
    await until(() => after.received() === 'after');
    after.socket.destroy();
  });
});
