import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * How the proxy treats the next calls:
 * - `pass`: forwards them;
 * - `down`: drops the connection at once, as a stopped service does;
 * - `slowRequest`: holds each call `delayMs` before forwarding it (it may land after the caller gave up);
 * - `slowResponse`: forwards each call at once but holds the answer `delayMs` (it lands, the caller times out).
 */
export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'down' }
  | { kind: 'slowRequest'; delayMs: number }
  | { kind: 'slowResponse'; delayMs: number };

export interface FaultProxy {
  url: string;
  setMode(mode: FaultMode): void;
  /** Calls that reached the service since the proxy started. */
  forwarded(): number;
  /** Calls cut by `down` since the proxy started. */
  refused(): number;
  /** Calls the proxy holds right now (slow modes), not yet forwarded or answered. */
  held(): number;
  stop(): Promise<void>;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An HTTP proxy in front of one service, for tests that need a real network fault between
 * two services (a stopped service, a slow request, a lost answer) rather than a mock.
 */
export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  let mode: FaultMode = { kind: 'pass' };
  let forwarded = 0;
  let refused = 0;
  let held = 0;
  const sockets = new Set<Socket>();

  async function forward(body: Buffer, request: http.IncomingMessage) {
    forwarded++;
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
    ) as Record<string, string>;
    return fetch(targetUrl, { method: request.method ?? 'POST', headers, body: body.length > 0 ? body : null });
  }

  const server = http.createServer(async (request, response) => {
    const current = mode;
    if (current.kind === 'down') {
      refused++;
      request.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    held++;
    try {
      if (current.kind === 'slowRequest') await wait(current.delayMs);
      const answer = await forward(Buffer.concat(chunks), request);
      const text = await answer.text();
      if (current.kind === 'slowResponse') await wait(current.delayMs);
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      response.end(text);
    } catch {
      if (!response.headersSent) response.writeHead(502).end();
    } finally {
      held--;
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    setMode(next) {
      mode = next;
    },
    forwarded: () => forwarded,
    refused: () => refused,
    held: () => held,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
