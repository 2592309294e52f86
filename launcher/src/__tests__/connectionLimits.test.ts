// What one client address may hold of the gateway, and for how long: slow clients are cut off,
// oversized bodies refused unread, connections and subscriptions capped per address. Each test
// calls from an address of its own on the loopback network (127.0.0.x), so that the sockets
// other tests (and the fetch pool) leave open count for nobody else.
import net from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';

/** The connection caps and deadlines of the gateway under test: low, so that tests reach them fast. */
const LIMITS = {
  maxConnectionsPerAddress: 3,
  maxOperationsPerAddress: 4,
  httpTimeouts: { headersMs: 300, requestMs: 600, keepAliveMs: 65_000 },
};
/** Well under Node's own deadlines (60 s for headers, 300 s for a request), well over ours. */
const CUT_OFF_DEADLINE_MS = 5_000;
const COUNT_SUBSCRIPTION = 'subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }';

/** Rejects with `what` when `promise` has not settled within `ms`. */
async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A TCP client of the gateway from `localAddress`: writes what a test says, keeps what arrives. */
interface RawClient {
  write(text: string): void;
  /** The next whole response (a head and its Content-Length body), taken off what arrived. */
  nextResponse(): Promise<RawResponse>;
  /** Everything that arrived, once the gateway has closed the connection. */
  closed: Promise<string>;
  destroy(): void;
}

async function connectRaw(httpUrl: string, localAddress: string): Promise<RawClient> {
  const { hostname, port } = new URL(httpUrl);
  const socket = net.connect({ host: hostname, port: Number(port), localAddress });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  // A reset after the gateway's answer ends the connection like a close.
  socket.on('error', () => {});
  socket.setEncoding('utf8');
  let everything = '';
  let unread = '';
  let onData = () => {};
  socket.on('data', (chunk: string) => {
    everything += chunk;
    unread += chunk;
    onData();
  });
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(everything)));
  return {
    write: (text) => socket.write(text),
    nextResponse: () =>
      new Promise<RawResponse>((resolve, reject) => {
        const take = () => {
          const response = parseResponse(unread);
          if (response === null) return;
          unread = unread.slice(response.length);
          resolve(response.response);
        };
        onData = take;
        void closed.then(() => reject(new Error(`closed before a whole response: ${JSON.stringify(unread)}`)));
        take();
      }),
    closed,
    destroy: () => socket.destroy(),
  };
}

function parseResponse(text: string): { response: RawResponse; length: number } | null {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) return null;
  const [statusLine = '', ...lines] = text.slice(0, headEnd).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  const bodyLength = Number(headers['content-length'] ?? 0);
  if (text.length < headEnd + 4 + bodyLength) return null;
  return {
    response: {
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: text.slice(headEnd + 4, headEnd + 4 + bodyLength),
    },
    length: headEnd + 4 + bodyLength,
  };
}

const liveRequest = (extraHeaders = '') => `GET /health/live HTTP/1.1\r\nHost: gateway\r\n${extraHeaders}\r\n`;

/** What the gateway answers when an address holds all the connections it may. */
function expectTooManyConnections(response: RawResponse): void {
  expect(response.status).toBe(429);
  expect(response.headers['retry-after']).toBe('1');
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(response.body)).toEqual({
    errors: [
      {
        message: `Too many connections from one address: at most ${LIMITS.maxConnectionsPerAddress} at once. Close some, then retry.`,
        extensions: { code: 'RATE_LIMITED', retryAfter: 1 },
      },
    ],
  });
}

/** A graphql-ws socket opened from `localAddress`, with `headers` on its upgrade request. */
function openSocket(httpUrl: string, localAddress: string, headers: Record<string, string> = {}): WebSocket {
  return new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { localAddress, headers });
}

/** Resolves with null once the socket is open, or with the HTTP answer that refused its upgrade. */
function upgradeOutcome(socket: WebSocket): Promise<RawResponse | null> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(null));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, String(value)])),
          body,
        }),
      );
    });
  });
}

/** A graphql-ws client whose socket comes from `localAddress`. */
function subscriberFrom(httpUrl: string, localAddress: string): Client {
  class FromAddress extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { localAddress });
    }
  }
  return createClient({ url: httpUrl.replace(/^http/, 'ws'), webSocketImpl: FromAddress, retryAttempts: 0 });
}

/** Subscribes to a petition's count: resolves with its first result, or with the error that refused it. */
function firstCount(
  client: Client,
  petitionId: string,
): { outcome: Promise<{ count: number } | { refusal: string }>; unsubscribe: () => void } {
  let unsubscribe = () => {};
  const outcome = new Promise<{ count: number } | { refusal: string }>((resolve) => {
    unsubscribe = client.subscribe<{ signatureCountChanged: { signatureCount: number } }>(
      { query: COUNT_SUBSCRIPTION, variables: { id: petitionId } },
      {
        next: (result) => resolve({ count: result.data?.signatureCountChanged.signatureCount ?? -1 }),
        error: (error) =>
          resolve({
            refusal: Array.isArray(error) ? ((error as { message: string }[])[0]?.message ?? '') : String(error),
          }),
        complete: () => {},
      },
    );
  });
  return { outcome, unsubscribe };
}

describe('connection limits, against the gateway as deployed (production)', () => {
  let agora: TestAgora;
  let petitionId: string;
  const opened: { destroy(): void }[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    agora = await startTestAgora({ production: true, connectionLimits: LIMITS });
    const organiser = await registerUser(agora, 'Organiser');
    petitionId = await openPetition(agora, organiser.token, 'Watched');
  });

  afterEach(async () => {
    for (const socket of opened.splice(0)) socket.destroy();
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });

  afterAll(async () => {
    await agora.stop();
  });

  async function rawFrom(localAddress: string, url = agora.gatewayUrl): Promise<RawClient> {
    const client = await connectRaw(url, localAddress);
    opened.push(client);
    return client;
  }

  it('should answer 408 and close a connection whose headers are not finished within the deadline', async () => {
    const slow = await rawFrom('127.0.0.11');
    slow.write('POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n');

    const answer = await withDeadline(slow.closed, CUT_OFF_DEADLINE_MS, 'slow headers cut off');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('should answer 408 and close a connection whose body is not finished within the deadline', async () => {
    const slow = await rawFrom('127.0.0.12');
    slow.write(
      'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"qu',
    );

    const answer = await withDeadline(slow.closed, CUT_OFF_DEADLINE_MS, 'slow body cut off');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it.each([
    ['a request', ''],
    ['a request waiting for 100 Continue', 'Expect: 100-continue\r\n'],
  ])(
    'should refuse %s declaring an oversized body with 413 before its body is sent, and close',
    async (_case, expect100) => {
      const client = await rawFrom('127.0.0.13');
      client.write(
        `POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n${expect100}\r\n`,
      );

      // Nothing of the body was sent: the answer comes anyway, and the gateway closes the connection.
      const everything = await withDeadline(client.closed, CUT_OFF_DEADLINE_MS, 'oversized body refused');
      expect(everything).toMatch(/^HTTP\/1\.1 413 /);
      const response = parseResponse(everything)?.response;
      expect(response?.headers['connection']).toBe('close');
      expect(JSON.parse(response?.body ?? '')).toEqual({
        errors: [
          {
            message: 'The request body is larger than the 100000 bytes accepted.',
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      });
    },
  );

  it('should refuse an HTTP connection over the cap of one address with 429, and serve others', async () => {
    const held = [];
    for (let i = 0; i < LIMITS.maxConnectionsPerAddress; i++) {
      const client = await rawFrom('127.0.0.21');
      client.write(liveRequest());
      // Answered and kept alive: each holds its connection.
      expect((await client.nextResponse()).status).toBe(200);
      held.push(client);
    }

    const over = await rawFrom('127.0.0.21');
    over.write(liveRequest());
    expectTooManyConnections(await over.nextResponse());
    await withDeadline(over.closed, CUT_OFF_DEADLINE_MS, 'refused connection closed');

    const elsewhere = await rawFrom('127.0.0.22');
    elsewhere.write(liveRequest());
    expect((await elsewhere.nextResponse()).status).toBe(200);

    // A connection closed gives its place back.
    held[0]?.destroy();
    await withDeadline(
      (async () => {
        for (;;) {
          const retry = await rawFrom('127.0.0.21');
          retry.write(liveRequest());
          if ((await retry.nextResponse()).status === 200) return;
        }
      })(),
      CUT_OFF_DEADLINE_MS,
      'a place given back',
    );
  });

  it('should refuse a WebSocket upgrade over the cap of one address with 429, counting its HTTP connections too', async () => {
    const sockets = Array.from({ length: LIMITS.maxConnectionsPerAddress }, () =>
      openSocket(agora.gatewayUrl, '127.0.0.31'),
    );
    opened.push(...sockets.map((socket) => ({ destroy: () => socket.terminate() })));
    for (const socket of sockets) expect(await upgradeOutcome(socket)).toBeNull();

    const over = openSocket(agora.gatewayUrl, '127.0.0.31');
    opened.push({ destroy: () => over.terminate() });
    const refusal = await upgradeOutcome(over);
    expect(refusal).not.toBeNull();
    expectTooManyConnections(refusal as RawResponse);

    const http = await rawFrom('127.0.0.31');
    http.write(liveRequest());
    expectTooManyConnections(await http.nextResponse());
  });

  it('should refuse a subscription over the cap of one address across its sockets, and give the place back when one ends', async () => {
    const [first, second, third] = [1, 2, 3].map(() => subscriberFrom(agora.gatewayUrl, '127.0.0.41')) as [
      Client,
      Client,
      Client,
    ];
    clients.push(first, second, third);
    const running = [first, first, second, second].map((client) => firstCount(client, petitionId));
    for (const subscription of running) expect(await subscription.outcome).toEqual({ count: 0 });

    const refused = firstCount(third, petitionId);
    expect(await refused.outcome).toEqual({
      refusal: `One address may run at most ${LIMITS.maxOperationsPerAddress} operations at once over all its connections; end some first.`,
    });

    const elsewhere = subscriberFrom(agora.gatewayUrl, '127.0.0.42');
    clients.push(elsewhere);
    expect(await firstCount(elsewhere, petitionId).outcome).toEqual({ count: 0 });

    running[0]?.unsubscribe();
    await withDeadline(
      (async () => {
        for (;;) {
          const retry = firstCount(third, petitionId);
          if ('count' in (await retry.outcome)) return;
        }
      })(),
      CUT_OFF_DEADLINE_MS,
      'a subscription place given back',
    );
  });

  describe('behind a trusted proxy (one hop)', () => {
    let proxied: { url: string; stop(): Promise<void> };

    beforeAll(async () => {
      proxied = await agora.startSecondGateway({ trustedProxyHops: 1 });
    });

    afterAll(async () => {
      await proxied.stop();
    });

    it('should cap each client the proxy names, never the proxy itself', async () => {
      const fromClient = (address: string) => openSocket(proxied.url, '127.0.0.51', { 'X-Forwarded-For': address });
      // More sockets from the proxy's address than the cap, for clients under theirs.
      const sockets = [
        ...Array.from({ length: LIMITS.maxConnectionsPerAddress }, () => fromClient('198.51.100.7')),
        fromClient('198.51.100.8'),
        fromClient('198.51.100.9'),
      ];
      opened.push(...sockets.map((socket) => ({ destroy: () => socket.terminate() })));
      for (const socket of sockets) expect(await upgradeOutcome(socket)).toBeNull();

      const over = fromClient('198.51.100.7');
      opened.push({ destroy: () => over.terminate() });
      expectTooManyConnections((await upgradeOutcome(over)) as RawResponse);

      // The proxy's connection that carried a refused request stays open for the next client's.
      const proxy = await rawFrom('127.0.0.51', proxied.url);
      proxy.write(liveRequest('X-Forwarded-For: 198.51.100.7\r\n'));
      const refused = await proxy.nextResponse();
      expectTooManyConnections(refused);
      expect(refused.headers['connection']).not.toBe('close');
      proxy.write(liveRequest('X-Forwarded-For: 198.51.100.10\r\n'));
      expect((await proxy.nextResponse()).status).toBe(200);
    });
  });
});
