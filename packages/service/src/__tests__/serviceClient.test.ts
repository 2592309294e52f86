import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { INTERNAL_HEADERS, ServiceCallError, createServiceClient } from '../index.js';

type Reply = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** A local HTTP server answering each call with the next reply in line, recording requests. */
async function startServer(replies: Reply[]) {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request);
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)];
    reply?.(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    requests,
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
  response.end('bad gateway');
};
const silent: Reply = () => {};

describe('createServiceClient', () => {
  it('should send the gateway secret and the caller, and return the data', async () => {
    const server = await startServer([ok]);
    try {
      const client = createServiceClient({ service: 'inventory', url: server.url, gatewaySecret: 's'.repeat(20) });
      expect(await client.request('{ answer }', {}, { identity: { userId: 'u1', sessionId: 's1' } })).toEqual({
        answer: 42,
      });
      expect(server.requests[0]?.headers[INTERNAL_HEADERS.gatewaySecret]).toBe('s'.repeat(20));
      expect(server.requests[0]?.headers[INTERNAL_HEADERS.userId]).toBe('u1');
    } finally {
      await server.close();
    }
  });

  it('should try again after a failed attempt and succeed when the service recovers', async () => {
    const server = await startServer([failing, failing, ok]);
    try {
      const client = createServiceClient({ service: 'inventory', url: server.url, gatewaySecret: 'x', retries: 2 });
      expect(await client.request('{ answer }')).toEqual({ answer: 42 });
      expect(server.requests).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('should give up with SERVICE_UNAVAILABLE after the bounded retries when the service never answers in time', async () => {
    const server = await startServer([silent]);
    try {
      const client = createServiceClient({
        service: 'financial',
        url: server.url,
        gatewaySecret: 'x',
        timeoutMs: 100,
        retries: 1,
      });
      await expect(client.request('{ answer }')).rejects.toMatchObject({
        message: 'The financial service did not answer (timed out); please try again.',
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('should make one attempt only when the call is not safe to repeat', async () => {
    const server = await startServer([failing]);
    try {
      const client = createServiceClient({ service: 'financial', url: server.url, gatewaySecret: 'x', retries: 3 });
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
      const client = createServiceClient({ service: 'inventory', url: server.url, gatewaySecret: 'x' });
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
      const client = createServiceClient({ service: 'inventory', url: server.url, gatewaySecret: 'x' });
      await expect(client.request('{ answer }')).rejects.toMatchObject({
        messages: ['database away', 'bare'],
        codes: ['SERVICE_UNAVAILABLE'],
      });
    } finally {
      await server.close();
    }
  });

  it("should end the call, and try no more, when the caller's signal aborts before the service answers", async () => {
    const server = await startServer([silent]);
    try {
      const client = createServiceClient({
        service: 'financial',
        url: server.url,
        gatewaySecret: 'x',
        timeoutMs: 60_000,
        retries: 3,
      });
      const caller = new AbortController();
      const answer = client.request('{ answer }', {}, { signal: caller.signal });
      await eventuallyReceived(server.requests, 1);
      caller.abort();
      await expect(answer).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

/** Waits until the server has received `count` requests. */
async function eventuallyReceived(requests: readonly unknown[], count: number): Promise<void> {
  while (requests.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
}
