import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  INTERNAL_HEADERS,
  ServiceCallError,
  ServiceNoAnswerError,
  createServiceClient,
  type PooledServiceClient,
  type ServiceClientOptions,
} from '../index.js';

type Reply = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/**
 * A local HTTP server answering each call with the next reply in line, recording requests
 * and counting the connections it accepted.
 */
async function startServer(replies: Reply[]) {
  const requests: http.IncomingMessage[] = [];
  let connections = 0;
  const server = http.createServer((request, response) => {
    requests.push(request);
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)];
    reply?.(request, response);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    requests,
    connections: () => connections,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const ok: Reply = (_request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ data: { answer: 42 } }));
};
const failing: Reply = (_request, response) => {
  response.statusCode = 502;
  response.end('bad gateway at 10.0.0.7');
};
const silent: Reply = () => {};

/** A port nothing listens on: a call there is refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('createServiceClient', () => {
  const clients: PooledServiceClient[] = [];
  const clientFor = (options: Omit<ServiceClientOptions, 'gatewaySecret'> & { gatewaySecret?: string }) => {
    const client = createServiceClient({ gatewaySecret: 'x', ...options });
    clients.push(client);
    return client;
  };

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  it('should send the gateway secret, the caller and its deadline, and return the data', async () => {
    const server = await startServer([ok]);
    try {
      const client = clientFor({
        service: 'inventory',
        url: server.url,
        gatewaySecret: 's'.repeat(20),
        timeoutMs: 800,
      });
      expect(await client.request('{ answer }', {}, { identity: { userId: 'u1', sessionId: 's1' } })).toEqual({
        answer: 42,
      });
      const headers = server.requests[0]?.headers ?? {};
      expect(headers[INTERNAL_HEADERS.gatewaySecret]).toBe('s'.repeat(20));
      expect(headers[INTERNAL_HEADERS.userId]).toBe('u1');
      // Without a deadline of the caller's, the attempt's own: the earliest undici's timer (on
      // its half-second clock, about a second at the least) may end it.
      expect(headers[INTERNAL_HEADERS.deadlineMs]).toBe('500');
    } finally {
      await server.close();
    }
  });

  it('should try again after a failed attempt and succeed when the service recovers', async () => {
    const server = await startServer([failing, failing, ok]);
    try {
      const client = clientFor({ service: 'inventory', url: server.url, retries: 2 });
      expect(await client.request('{ answer }')).toEqual({ answer: 42 });
      expect(server.requests).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('should give up with SERVICE_UNAVAILABLE after the bounded retries when the service never answers in time', async () => {
    const server = await startServer([silent]);
    try {
      const client = clientFor({ service: 'financial', url: server.url, timeoutMs: 100, retries: 1 });
      await expect(client.request('{ answer }')).rejects.toMatchObject({
        message: 'The financial service did not answer (timed out); please try again.',
        reason: 'timedOut',
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('should name the service, never its address or its answer, when it is unreachable or fails', async () => {
    const port = await closedPort();
    const unreachable = clientFor({ service: 'users', url: `http://127.0.0.1:${port}/graphql`, retries: 0 });
    const refused = await unreachable.request('{ answer }').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServiceNoAnswerError);
    expect(refused).toMatchObject({
      service: 'users',
      reason: 'unreachable',
      message: 'The users service did not answer (unreachable); please try again.',
    });

    const server = await startServer([failing]);
    try {
      const client = clientFor({ service: 'inventory', url: server.url, retries: 0 });
      const failed = await client.request('{ answer }').catch((error: unknown) => error);
      expect(failed).toMatchObject({
        service: 'inventory',
        reason: 'failed',
        status: 502,
        message: 'The inventory service did not answer (HTTP 502); please try again.',
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
      expect(String((failed as Error).message)).not.toMatch(/127\.0\.0\.1|10\.0\.0\.7|graphql/);
    } finally {
      await server.close();
    }
  });

  it('should make one attempt only when the call is not safe to repeat', async () => {
    const server = await startServer([failing]);
    try {
      const client = clientFor({ service: 'financial', url: server.url, retries: 3 });
      await expect(client.request('mutation { charge }', {}, { retry: false })).rejects.toMatchObject({
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('should not retry when the service answers with GraphQL errors', async () => {
    const server = await startServer([
      (_request, response) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ errors: [{ message: 'Cannot query field "nope"' }] }));
      },
    ]);
    try {
      const client = clientFor({ service: 'inventory', url: server.url });
      await expect(client.request('{ nope }')).rejects.toThrow(ServiceCallError);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("should hand over each error's code, so a caller can tell an outage behind the service from a bug", async () => {
    const server = await startServer([
      (_request, response) => {
        response.setHeader('content-type', 'application/json');
        const errors = [{ message: 'database away', extensions: { code: 'SERVICE_UNAVAILABLE' } }, { message: 'bare' }];
        response.end(JSON.stringify({ data: null, errors }));
      },
    ]);
    try {
      const client = clientFor({ service: 'inventory', url: server.url });
      await expect(client.request('{ answer }')).rejects.toMatchObject({
        messages: ['database away', 'bare'],
        codes: ['SERVICE_UNAVAILABLE'],
      });
    } finally {
      await server.close();
    }
  });

  it("should tell the service what is left of the caller's deadline, end the call by it and begin no retry after it", async () => {
    const server = await startServer([silent]);
    try {
      const client = clientFor({ service: 'financial', url: server.url, timeoutMs: 60_000, retries: 3 });
      const deadline = Date.now() + 2_500;
      await expect(client.request('{ answer }', {}, { deadline })).rejects.toMatchObject({
        reason: 'timedOut',
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
      // Not the attempt's own 60 s: the caller's deadline ended it (give or take a busy event loop).
      expect(Date.now()).toBeLessThan(deadline + 250);
      expect(server.requests).toHaveLength(1);
      const told = Number(server.requests[0]?.headers[INTERNAL_HEADERS.deadlineMs]);
      expect(told).toBeGreaterThan(0);
      expect(told).toBeLessThanOrEqual(1_500);
    } finally {
      await server.close();
    }
  });

  it('should not call the service at all when too little is left of the deadline for undici to time an attempt', async () => {
    const server = await startServer([ok]);
    try {
      const client = clientFor({ service: 'petitions', url: server.url });
      for (const deadline of [Date.now() - 1, Date.now() + 1_200]) {
        await expect(client.request('{ answer }', {}, { deadline })).rejects.toMatchObject({
          service: 'petitions',
          reason: 'outOfTime',
          message: 'The petitions service was not called: no time was left before the deadline; please try again.',
          extensions: { code: 'SERVICE_UNAVAILABLE' },
        });
      }
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('should make calls one after another over the same keep-alive connections', async () => {
    const server = await startServer([ok]);
    try {
      const client = clientFor({ service: 'users', url: server.url });
      for (let n = 0; n < 10; n++) expect(await client.request('{ answer }')).toEqual({ answer: 42 });
      expect(server.requests).toHaveLength(10);
      // undici may open a second while the first is still finishing its answer, never more.
      expect(server.connections()).toBeLessThanOrEqual(2);
    } finally {
      await server.close();
    }
  });

  it('should read a failed answer to the end, so that its connection serves the next call', async () => {
    const server = await startServer([
      (_request, response) => {
        response.statusCode = 503;
        response.end('x'.repeat(32 * 1024));
      },
      ok,
    ]);
    try {
      // One connection: had the failed answer not been read, the next call would never get it.
      const client = clientFor({ service: 'inventory', url: server.url, retries: 0, maxConnections: 1 });
      await expect(client.request('{ answer }')).rejects.toMatchObject({ reason: 'failed', status: 503 });
      expect(await client.request('{ answer }')).toEqual({ answer: 42 });
      expect(server.connections()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('should hold no more connections than its bound, the calls beyond waiting for one', async () => {
    const held: http.ServerResponse[] = [];
    let mostAtOnce = 0;
    // Answers only once two calls are in at the same time.
    const inPairs: Reply = (_request, response) => {
      held.push(response);
      mostAtOnce = Math.max(mostAtOnce, held.length);
      if (held.length < 2) return;
      for (const waiting of held.splice(0)) ok(_request, waiting);
    };
    const server = await startServer([inPairs]);
    try {
      const client = clientFor({ service: 'inventory', url: server.url, maxConnections: 2, timeoutMs: 10_000 });
      const answers = await Promise.all(Array.from({ length: 6 }, () => client.request('{ answer }')));
      expect(answers).toEqual(Array.from({ length: 6 }, () => ({ answer: 42 })));
      expect([server.connections(), mostAtOnce]).toEqual([2, 2]);
    } finally {
      await server.close();
    }
  });
});
