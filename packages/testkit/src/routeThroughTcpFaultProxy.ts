import { startTcpFaultProxy, type TcpFaultProxy } from './tcpFaultProxy.js';

/** Default ports of the servers tests put a proxy in front of, for URLs that name none. */
const DEFAULT_PORTS: Record<string, number> = { 'postgres:': 5432, 'postgresql:': 5432, 'redis:': 6379 };

/**
 * A TCP fault proxy in front of the server a URL names (PostgreSQL, Redis), and the same URL
 * through it: same credentials, database and options, the proxy's host and port.
 */
export async function routeThroughTcpFaultProxy(url: string): Promise<{ url: string; proxy: TcpFaultProxy }> {
  const parsed = new URL(url);
  const port = parsed.port === '' ? DEFAULT_PORTS[parsed.protocol] : Number(parsed.port);
  if (port === undefined) throw new Error(`no port in ${parsed.protocol}// URL and no default for it`);
  const proxy = await startTcpFaultProxy({ host: parsed.hostname, port });
  parsed.hostname = proxy.host;
  parsed.port = String(proxy.port);
  return { url: parsed.toString(), proxy };
}
