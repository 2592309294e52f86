// The response cache's rules of time, on a clock the test moves: kept for max-age, refreshed by
// one request past half its life while the others are answered from it, never older than
// max-age, and nothing kept that is not public. (launcher's responseCache.test.ts shows the
// same cache in front of the real federation.)
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EdgeRequest, EdgeResponse } from '@agora/service';
import { createResponseCache } from '../responseCache.js';

interface Answer {
  status: number;
  age: string | null;
  body: string;
}

/** A GET as the edge hands it over (these requests have no body). */
function edgeRequest(method: string, url: string, headers: IncomingHttpHeaders): EdgeRequest {
  const query = url.indexOf('?');
  return {
    method,
    path: query === -1 ? url : url.slice(0, query),
    search: query === -1 ? '' : url.slice(query),
    headers,
    remoteAddress: '127.0.0.1',
    body: async () => null,
  };
}

function send(res: ServerResponse, response: EdgeResponse): void {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}

/** A server as the gateway's edge arranges it: hits answered first, misses through the cache to an executor. */
async function startCachedServer(
  budget: { maxEntries: number; maxBytes: number } = { maxEntries: 10, maxBytes: 100_000 },
) {
  let clock = 0;
  let executions = 0;
  let received = 0;
  let cacheControl = 'max-age=1, public';
  let held: Promise<void> | undefined;
  const outcomes: string[] = [];
  const cache = createResponseCache({
    ...budget,
    maxBodyBytes: 10_000,
    record: (outcome) => outcomes.push(outcome),
    now: () => clock,
  });
  /** Apollo's part: an answer with the cache-control it computed, once any hold is released. */
  const execute = async (): Promise<EdgeResponse> => {
    executions++;
    const body = `{"data":{"version":${executions}}}`;
    const headers = { 'cache-control': cacheControl, 'content-type': 'application/json' };
    await held;
    return { status: 200, headers, body };
  };
  const server = http.createServer((req: IncomingMessage, res) => {
    received++;
    const request = edgeRequest(req.method ?? 'GET', req.url ?? '/', req.headers);
    const kept = cache.hit(request);
    if (kept !== undefined) send(res, kept);
    else void cache.through(request, execute).then((response) => send(res, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    cache,
    outcomes,
    executions: () => executions,
    received: () => received,
    at(ms: number) {
      clock = ms;
    },
    answerWith(header: string) {
      cacheControl = header;
    },
    /** Holds every execution until the returned function is called. */
    holdExecutions(): () => void {
      let release!: () => void;
      held = new Promise<void>((resolve) => (release = resolve));
      return () => {
        held = undefined;
        release();
      };
    },
    async get(
      headers: Record<string, string> = { 'apollo-require-preflight': 'true' },
      query = '{version}',
    ): Promise<Answer> {
      const response = await fetch(`http://127.0.0.1:${port}/graphql?query=${encodeURIComponent(query)}`, { headers });
      return { status: response.status, age: response.headers.get('age'), body: await response.text() };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        // A failed test may leave a request held: nothing waits for it.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const version = (answer: Answer) => (JSON.parse(answer.body) as { data: { version: number } }).data.version;

/** Resolves once `count()` reaches `target` (requests received or executed); fails after a second. */
async function until(count: () => number, target: number): Promise<void> {
  const deadline = Date.now() + 1_000;
  while (count() < target) {
    if (Date.now() > deadline) throw new Error(`${count()} executions, expected ${target}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('the response cache over time', () => {
  let server: Awaited<ReturnType<typeof startCachedServer>>;

  beforeEach(async () => {
    server = await startCachedServer();
  });

  afterEach(async () => {
    await server.stop();
  });

  it('should answer from a kept public answer within the first half of its life, with its age', async () => {
    server.at(0);
    const first = await server.get();
    server.at(499);
    const kept = await server.get();

    expect(first.age).toBeNull();
    expect(kept).toEqual({ status: 200, age: '0', body: first.body });
    expect(server.executions()).toBe(1);
    expect(server.outcomes).toEqual(['miss', 'hit']);
  });

  it('should refresh past half its life by one request, answering the others from the kept answer meanwhile', async () => {
    server.at(0);
    await server.get();
    server.at(600);
    const release = server.holdExecutions();
    const refreshing = server.get();
    await until(server.executions, 2);
    const meanwhile = await server.get();
    release();
    const refreshed = await refreshing;
    server.at(700);
    const afterwards = await server.get();

    expect(version(meanwhile)).toBe(1);
    expect(meanwhile.age).toBe('0');
    expect(version(refreshed)).toBe(2);
    expect(version(afterwards)).toBe(2);
    expect(server.executions()).toBe(2);
  });

  it('should never answer from an answer past its max-age, but wait for the refresh under way', async () => {
    server.at(0);
    await server.get();
    server.at(1_000);
    const release = server.holdExecutions();
    const refreshing = server.get();
    await until(server.executions, 2);
    const waiting = server.get();
    await until(server.received, 3);
    release();
    const [refreshed, waited] = await Promise.all([refreshing, waiting]);

    expect(version(refreshed)).toBe(2);
    expect(version(waited)).toBe(2);
    expect(server.executions()).toBe(2);
  });

  it('should execute concurrent misses for one URL once', async () => {
    server.at(0);
    const release = server.holdExecutions();
    const first = server.get();
    await until(server.executions, 1);
    const second = server.get();
    await until(server.received, 2);
    release();
    const answers = await Promise.all([first, second]);

    expect(answers.map(version)).toEqual([1, 1]);
    expect(server.executions()).toBe(1);
  });

  it('should keep nothing that is not public, and answer no signed-in or unprotected request from the cache', async () => {
    server.answerWith('private');
    await server.get();
    await server.get();
    server.answerWith('max-age=1, public');
    await server.get();
    const signedIn = await server.get({ 'apollo-require-preflight': 'true', authorization: 'Bearer t' });
    const withoutPreflight = await server.get({});

    expect(server.executions()).toBe(5);
    expect(signedIn.age).toBeNull();
    expect(withoutPreflight.age).toBeNull();
  });
});

describe('the response cache\u2019s budget', () => {
  const preflight = { 'apollo-require-preflight': 'true' };

  it('should keep the bytes of its answers under maxBytes, dropping the oldest first', async () => {
    const server = await startCachedServer({ maxEntries: 1_000, maxBytes: 5_000 });
    try {
      server.at(0);
      const peaks: number[] = [];
      for (let i = 0; i < 100; i++) {
        await server.get(preflight, `{ version # ${'x'.repeat(200)} ${i} }`);
        peaks.push(server.cache.usage().bytes);
      }
      const newest = await server.get(preflight, `{ version # ${'x'.repeat(200)} 99 }`);
      const oldest = await server.get(preflight, `{ version # ${'x'.repeat(200)} 0 }`);

      expect(Math.max(...peaks)).toBeLessThanOrEqual(5_000);
      expect(server.cache.usage().entries).toBeGreaterThan(0);
      expect(server.cache.usage().entries).toBeLessThan(100);
      expect(newest.age).toBe('0');
      expect(oldest.age).toBeNull();
    } finally {
      await server.stop();
    }
  });

  it('should keep a body in memory of its own, not a slice pinning a shared 8 KiB slab', async () => {
    const server = await startCachedServer();
    try {
      server.at(0);
      await server.get();
      const request = edgeRequest('GET', '/graphql?query=%7Bversion%7D', {
        accept: '*/*',
        'apollo-require-preflight': 'true',
      });
      const kept = server.cache.hit(request)?.body as Buffer;

      expect(kept.toString()).toBe('{"data":{"version":1}}');
      expect(kept.buffer.byteLength).toBe(kept.length);
    } finally {
      await server.stop();
    }
  });

  it('should sweep answers past their max-age when it keeps a new one', async () => {
    const server = await startCachedServer({ maxEntries: 1_000, maxBytes: 100_000 });
    try {
      server.at(0);
      for (let i = 0; i < 20; i++) await server.get(preflight, `{ version # ${i} }`);
      const kept = server.cache.usage();
      server.at(1_000);
      await server.get(preflight, '{ version # fresh }');

      expect(kept.entries).toBe(20);
      expect(server.cache.usage().entries).toBe(1);
      expect(server.cache.usage().bytes).toBeLessThan(kept.bytes / 10);
    } finally {
      await server.stop();
    }
  });
});
