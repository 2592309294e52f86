import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Identity } from '@agora/service';

/** The gateway's per-request context: the caller its token names, if any, and where they call from. */
export interface GatewayContext {
  identity: Identity | null;
  clientAddress: string;
}

/** What a request tells of where it came from: its headers and its connection's peer. */
export interface ClientConnection {
  headers: IncomingHttpHeaders;
  remoteAddress: string | undefined;
}

/** The same for a request Node's server received (an upgrade, a request counted by the guard). */
export function connectionOf(req: IncomingMessage): ClientConnection {
  return { headers: req.headers, remoteAddress: req.socket.remoteAddress };
}

/**
 * The client's address: the connection's peer, or, behind `trustedProxyHops` proxies (a load
 * balancer, the benchmark), the address the outermost trusted proxy recorded in
 * X-Forwarded-For. Entries a client wrote there itself are never trusted: only the last
 * `trustedProxyHops` entries were appended by proxies we run.
 */
export function clientAddressOf(request: ClientConnection, trustedProxyHops: number): string {
  const peer = request.remoteAddress ?? 'unknown';
  if (trustedProxyHops === 0) return peer;
  const forwarded = String(request.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '');
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - trustedProxyHops)] ?? peer;
}
