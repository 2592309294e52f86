import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with the bytes between a client and its server:
 * - `pass`: forwards them both ways;
 * - `reset`: resets every open connection and every new one at once, as a restarting server or
 *   a dropped route does (the client sees ECONNRESET or a refused call, immediately);
 * - `blackhole`: keeps every connection open and delivers nothing either way, as a partition
 *   or a hung server does (the client sees nothing until its own deadline). Connections held
 *   there are reset when the proxy passes again, since what they sent meanwhile is lost.
 */
export type TcpFaultMode = 'pass' | 'reset' | 'blackhole';

export interface TcpFaultProxy {
  host: string;
  port: number;
  setMode(mode: TcpFaultMode): void;
  /** Connections open through the proxy now. */
  connections(): number;
  stop(): Promise<void>;
}

interface Link {
  client: net.Socket;
  server: net.Socket | undefined;
  /** Whether this link was held by a blackhole (and so has lost bytes). */
  held: boolean;
}

/**
 * A TCP proxy in front of a server (PostgreSQL, Redis, a subgraph), for tests of what a real
 * network fault does to our processes: connections cut, or silent, rather than mocked.
 */
export async function startTcpFaultProxy(target: { host: string; port: number }): Promise<TcpFaultProxy> {
  let mode: TcpFaultMode = 'pass';
  const links = new Set<Link>();

  const cut = (link: Link) => {
    link.client.resetAndDestroy();
    link.server?.resetAndDestroy();
    links.delete(link);
  };

  function connect(link: Link): void {
    const server = net.connect(target.port, target.host);
    link.server = server;
    server.on('error', () => cut(link));
    server.on('close', () => link.client.destroy());
    server.on('data', (chunk: Buffer) => {
      if (mode === 'pass') link.client.write(chunk);
    });
  }

  const proxy = net.createServer((client) => {
    const link: Link = { client, server: undefined, held: false };
    links.add(link);
    client.on('error', () => cut(link));
    client.on('close', () => {
      link.server?.destroy();
      links.delete(link);
    });
    if (mode === 'reset') return cut(link);
    if (mode === 'blackhole') link.held = true;
    else connect(link);
    client.on('data', (chunk: Buffer) => {
      if (mode === 'pass' && link.server !== undefined) link.server.write(chunk);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));

  return {
    host: '127.0.0.1',
    port: (proxy.address() as AddressInfo).port,
    setMode(next) {
      mode = next;
      if (next === 'reset') for (const link of [...links]) cut(link);
      if (next === 'blackhole') for (const link of links) link.held = true;
      if (next === 'pass') for (const link of [...links]) if (link.held) cut(link);
    },
    connections: () => links.size,
    async stop() {
      for (const link of [...links]) cut(link);
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}
