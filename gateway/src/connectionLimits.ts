import type http from 'node:http';
import type { Socket } from 'node:net';
import type { EnvReader } from '@agora/config';
import { ErrorCode } from '@agora/errors';
import { DEFAULT_HTTP_TIMEOUTS, addressLimitKey, type HttpTimeouts } from '@agora/service';
import { clientAddressOf, connectionOf } from './context.js';

/**
 * How much of one gateway replica a client address may hold at once, and for how long a
 * request may keep a socket. Counted per replica, in memory: what a connection or a
 * subscription costs (a socket, memory, a query per count) is spent on the replica holding
 * it, and a count kept there dies with it, so it is never stale.
 */
export interface ConnectionLimits {
  /** Connections (HTTP and WebSocket) one client address may hold open at once. */
  maxConnectionsPerAddress: number;
  /** Operations (subscriptions, mostly) one client address may run at once over all its WebSockets. */
  maxOperationsPerAddress: number;
  httpTimeouts: HttpTimeouts;
}

export function readConnectionLimits(r: EnvReader): ConnectionLimits {
  const limits: ConnectionLimits = {
    maxConnectionsPerAddress: r.int('MAX_CONNECTIONS_PER_ADDRESS', { default: 100, min: 1, max: 1_000_000 }),
    maxOperationsPerAddress: r.int('SUBSCRIPTIONS_PER_ADDRESS', { default: 300, min: 1, max: 1_000_000 }),
    httpTimeouts: {
      headersMs: r.int('HTTP_HEADERS_TIMEOUT_MS', {
        default: DEFAULT_HTTP_TIMEOUTS.headersMs,
        min: 1_000,
        max: 120_000,
      }),
      requestMs: r.int('HTTP_REQUEST_TIMEOUT_MS', {
        default: DEFAULT_HTTP_TIMEOUTS.requestMs,
        min: 1_000,
        max: 600_000,
      }),
      keepAliveMs: r.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', {
        default: DEFAULT_HTTP_TIMEOUTS.keepAliveMs,
        min: 1_000,
        max: 3_600_000,
      }),
    },
  };
  // Node refuses to start a server whose headers may take longer than the whole request.
  if (limits.httpTimeouts.headersMs > limits.httpTimeouts.requestMs) {
    r.problem(
      `HTTP_HEADERS_TIMEOUT_MS (${limits.httpTimeouts.headersMs}) must not be over HTTP_REQUEST_TIMEOUT_MS (${limits.httpTimeouts.requestMs})`,
    );
  }
  return limits;
}

/** Seconds a refused client is told to wait: a slot frees as soon as one of its connections ends. */
export const RETRY_AFTER_SECONDS = 1;

/** What each client address holds at once, up to `max`. */
export interface AddressSlots {
  /** A slot for `address` and the function giving it back (idempotent), or null when it holds `max`. */
  take(address: string): (() => void) | null;
}

/** Slots counted by `addressLimitKey` (an IPv6 client by its /64, as the rate limits count it). */
export function createAddressSlots(max: number): AddressSlots {
  const held = new Map<string, number>();
  return {
    take(address) {
      const key = addressLimitKey(address);
      const count = held.get(key) ?? 0;
      if (count >= max) return null;
      held.set(key, count + 1);
      let given = false;
      return () => {
        if (given) return;
        given = true;
        const left = (held.get(key) ?? 1) - 1;
        if (left === 0) held.delete(key);
        else held.set(key, left);
      };
    },
  };
}

/** A 429 to answer instead of serving, in the GraphQL error shape of every other refusal. */
export interface ConnectionRefusal {
  status: 429;
  headers: Record<string, string>;
  body: string;
}

export interface ConnectionGuard {
  /** Starts counting the server's sockets (by peer, when no proxy is trusted). */
  watch(server: http.Server): void;
  /** Null when the request may be served (its slot held until it is answered), else its refusal. */
  admitRequest(req: http.IncomingMessage, res: http.ServerResponse): ConnectionRefusal | null;
  /** Null when the WebSocket may open (its slot held until it closes), else the refusal of its upgrade. */
  admitUpgrade(req: http.IncomingMessage): ConnectionRefusal | null;
}

/**
 * Caps the connections one client address holds on the public port, HTTP and WebSocket alike.
 *
 * Without a trusted proxy the socket's peer is the client, so sockets are counted: one over
 * the cap is answered 429 at its first request (or upgrade) and closed. Behind trusted
 * proxies every socket's peer is a proxy, which carries many clients' requests over the same
 * sockets: counting sockets would cap the proxy. There, what a client holds is counted
 * instead: its requests being answered and its WebSockets (a WebSocket has its socket to
 * itself), each by the address in X-Forwarded-For; a refused request leaves the proxy's
 * socket open, for the next client's request.
 */
export function createConnectionGuard(maxPerAddress: number, trustedProxyHops: number): ConnectionGuard {
  const slots = createAddressSlots(maxPerAddress);
  const overCap = new WeakSet<Socket>();
  const refusal = (closeSocket: boolean): ConnectionRefusal => {
    const body = JSON.stringify({
      errors: [
        {
          message: `Too many connections from one address: at most ${maxPerAddress} at once. Close some, then retry.`,
          extensions: { code: ErrorCode.RateLimited, retryAfter: RETRY_AFTER_SECONDS },
        },
      ],
    });
    return {
      status: 429,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
        'Retry-After': String(RETRY_AFTER_SECONDS),
        ...(closeSocket ? { Connection: 'close' } : {}),
      },
      body,
    };
  };
  const socketsCounted = trustedProxyHops === 0;

  /** Behind proxies: a slot for this request's client, given back when `end` fires. */
  function admitClient(req: http.IncomingMessage, end: (release: () => void) => void): ConnectionRefusal | null {
    const release = slots.take(clientAddressOf(connectionOf(req), trustedProxyHops));
    if (release === null) return refusal(false);
    end(release);
    return null;
  }

  return {
    watch(server) {
      if (!socketsCounted) return;
      server.on('connection', (socket: Socket) => {
        const release = slots.take(socket.remoteAddress ?? 'unknown');
        if (release === null) overCap.add(socket);
        else socket.once('close', release);
      });
    },
    admitRequest(req, res) {
      if (socketsCounted) return overCap.has(req.socket) ? refusal(true) : null;
      return admitClient(req, (release) => res.once('close', release));
    },
    admitUpgrade(req) {
      if (socketsCounted) return overCap.has(req.socket) ? refusal(true) : null;
      return admitClient(req, (release) => req.socket.once('close', release));
    },
  };
}

/**
 * The operations each graphql-ws connection runs, counted per client address over all its
 * connections; each holds its slot until it ends or its connection closes.
 */
export interface OperationSlots {
  /** Takes a slot for operation `id` of `connection`; false when `address` holds the cap already. */
  take(connection: object, id: string, address: string): boolean;
  /** Gives back the slot of operation `id`, if it holds one (idempotent). */
  release(connection: object, id: string): void;
  /** Gives back every slot the connection holds (it closed). */
  releaseAll(connection: object): void;
}

export function createOperationSlots(max: number): OperationSlots {
  const slots = createAddressSlots(max);
  const held = new WeakMap<object, Map<string, () => void>>();
  return {
    take(connection, id, address) {
      const release = slots.take(address);
      if (release === null) return false;
      let operations = held.get(connection);
      if (operations === undefined) held.set(connection, (operations = new Map()));
      operations.get(id)?.();
      operations.set(id, release);
      return true;
    },
    release(connection, id) {
      const operations = held.get(connection);
      operations?.get(id)?.();
      operations?.delete(id);
    },
    releaseAll(connection) {
      for (const release of held.get(connection)?.values() ?? []) release();
      held.delete(connection);
    },
  };
}
