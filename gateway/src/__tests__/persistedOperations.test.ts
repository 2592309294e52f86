// The operation allow-list through a real gateway in production mode: listed operations run
// by hash and by text, over HTTP and graphql-ws; anything else is refused before it is parsed.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { generateSigningKeys, type RunningServer } from '@agora/service';
import {
  createTestSubscriber,
  dataOf,
  errorCodes,
  postGraphQL,
  serveTestSubgraph,
  type TestSubgraph,
} from '@agora/testkit';
import { serveGateway } from '../gateway.js';
import { createListedOperationsCache, parsePersistedOperations } from '../persistedOperations.js';
import { testGatewayDeps } from './testGatewayDeps.js';

const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { hello: String! greeting(name: String!): String! }
`;

const LISTED = 'query Hello { hello }';
const LISTED_WITH_VARIABLES = 'query Greeting($name: String!) { greeting(name: $name) }';
const UNLISTED = 'query Other { hello greeting(name: "x") }';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function manifestOf(bodies: string[]): string {
  return JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: bodies.map((body) => ({ id: sha256(body), name: 'op', type: 'query', body })),
  });
}

interface Answer {
  status: number;
  data?: unknown;
  errors?: { extensions?: Record<string, unknown> }[];
}

async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

const codesOf = (answer: Answer) => (answer.errors ?? []).map((error) => error.extensions?.['code']);

/** A GET with only the hash (an automatic persisted query), as a browser's client sends it. */
async function getByHash(url: string, hash: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } });
  const search = new URLSearchParams({ extensions, variables: JSON.stringify(variables) });
  return answerOf(await fetch(`${url}?${search}`, { headers: { 'apollo-require-preflight': 'true' } }));
}

/** A POST with text and hash, as a client registers an automatic persisted query. */
async function postWithHash(url: string, query: string, hash: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
  });
  return answerOf(response);
}

describe('the operation allow-list (PERSISTED_OPERATIONS_FILE)', () => {
  let directory: string;
  let subgraph: TestSubgraph;
  let gateway: RunningServer;

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'agora-persisted-'));
    const manifest = path.join(directory, 'operations.json');
    await writeFile(manifest, manifestOf([LISTED, LISTED_WITH_VARIABLES]));
    subgraph = await serveTestSubgraph({
      name: 'probe',
      schema: buildSubgraphSchema({
        typeDefs: parse(SDL),
        resolvers: {
          Query: { hello: () => 'hi', greeting: (_: unknown, args: { name: string }) => `hi ${args.name}` },
        },
      }),
      createContext: () => ({}),
      checkReadiness: async () => {},
    });
    const composed = composeServices([{ name: 'probe', url: subgraph.url, typeDefs: parse(SDL) }]);
    if (composed.errors !== undefined) throw new Error(composed.errors.map((error) => error.message).join('\n'));
    const keys = generateSigningKeys();
    gateway = await serveGateway(
      testGatewayDeps(
        {
          supergraphSdl: composed.supergraphSdl,
          subgraphUrls: { probe: subgraph.url },
          publicKeys: { [keys.keyId]: keys.publicKeyPem },
        },
        { persistedOperationsFile: manifest, production: true },
      ),
      { port: 0, host: '127.0.0.1' },
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    await subgraph?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('should run a listed operation sent by its text', async () => {
    const result = await postGraphQL(gateway.url, LISTED);
    expect([result.status, dataOf(result)]).toEqual([200, { hello: 'hi' }]);
  });

  it('should run a listed operation sent by its hash alone, with variables', async () => {
    const result = await getByHash(gateway.url, sha256(LISTED_WITH_VARIABLES), { name: 'Ada' });
    expect(result).toEqual({ status: 200, data: { greeting: 'hi Ada' } });
  });

  it('should refuse an unlisted operation sent as text with 400 and PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const result = await postGraphQL(gateway.url, UNLISTED);
    expect([result.status, errorCodes(result), result.data]).toEqual([400, ['PERSISTED_QUERY_NOT_IN_LIST'], undefined]);
  });

  it('should refuse an unknown hash, and the same hash again after a client tried to register its text', async () => {
    const byHash = await getByHash(gateway.url, sha256(UNLISTED));
    const registering = await postWithHash(gateway.url, UNLISTED, sha256(UNLISTED));
    const again = await getByHash(gateway.url, sha256(UNLISTED));
    expect([byHash.status, codesOf(byHash)]).toEqual([400, ['PERSISTED_QUERY_NOT_IN_LIST']]);
    expect([registering.status, codesOf(registering)]).toEqual([400, ['PERSISTED_QUERY_NOT_IN_LIST']]);
    expect([again.status, codesOf(again)]).toEqual([400, ['PERSISTED_QUERY_NOT_IN_LIST']]);
  });

  it('should refuse an unlisted document before parsing it: broken syntax gets the same refusal', async () => {
    const result = await postGraphQL(gateway.url, '{ hello ');
    expect(errorCodes(result)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
  });

  it('should refuse an unlisted operation sent as text by GET', async () => {
    const search = new URLSearchParams({ query: UNLISTED });
    const result = await answerOf(
      await fetch(`${gateway.url}?${search}`, { headers: { 'apollo-require-preflight': 'true' } }),
    );
    expect([result.status, codesOf(result), result.data]).toEqual([400, ['PERSISTED_QUERY_NOT_IN_LIST'], undefined]);
  });

  it('should refuse a body it cannot read as JSON, and a batch holding an unlisted operation', async () => {
    const post = async (body: string, contentType: string) =>
      answerOf(
        await fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': contentType, 'apollo-require-preflight': 'true' },
          body,
        }),
      );
    const asText = await post(JSON.stringify({ query: UNLISTED }), 'text/plain');
    const batch = await post(JSON.stringify([{ query: LISTED }, { query: UNLISTED }]), 'application/json');
    expect([asText.status, codesOf(asText)]).toEqual([400, ['PERSISTED_QUERY_NOT_IN_LIST']]);
    expect([batch.status, codesOf(batch)]).toEqual([400, ['PERSISTED_QUERY_NOT_IN_LIST']]);
  });

  it('should refuse a listed hash sent with another text', async () => {
    const result = await postWithHash(gateway.url, UNLISTED, sha256(LISTED));
    expect([result.status, codesOf(result), result.data]).toEqual([400, ['PERSISTED_QUERY_NOT_IN_LIST'], undefined]);
  });

  it('should run a listed operation over graphql-ws and refuse an unlisted one there', async () => {
    const subscriber = createTestSubscriber(gateway.url);
    try {
      const listed = subscriber.subscribe(LISTED);
      const first = await listed.results.next();
      const unlisted = subscriber.subscribe(UNLISTED);
      const refusal = (await unlisted.ended) as { extensions?: Record<string, unknown> }[];
      expect(first).toEqual({ data: { hello: 'hi' } });
      expect(refusal.map((error) => error.extensions?.['code'])).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
      expect(unlisted.results.pending()).toEqual([]);
    } finally {
      await subscriber.dispose();
    }
  });

  it('should run a listed operation sent over graphql-ws by its hash alone', async () => {
    const client = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        client.subscribe(
          {
            query: '',
            variables: { name: 'Bo' },
            extensions: { persistedQuery: { version: 1, sha256Hash: sha256(LISTED_WITH_VARIABLES) } },
          },
          { next: resolve, error: reject, complete: () => undefined },
        );
      });
      expect(result).toEqual({ data: { greeting: 'hi Bo' } });
    } finally {
      await client.dispose();
    }
  });
});

describe('parsePersistedOperations', () => {
  it('should read Apollo\u2019s manifest format and find each operation by its SHA-256', () => {
    const operations = parsePersistedOperations(manifestOf([LISTED]), 'test.json');
    expect([operations.size, operations.bodyOf(sha256(LISTED)), operations.bodyOf(sha256(UNLISTED))]).toEqual([
      1,
      LISTED,
      undefined,
    ]);
  });

  it('should refuse a manifest whose id is not the SHA-256 of its body, naming the file', () => {
    const forged = JSON.stringify({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: sha256(LISTED), name: 'op', type: 'query', body: UNLISTED }],
    });
    expect(() => parsePersistedOperations(forged, 'ops.json')).toThrow(
      /^PERSISTED_OPERATIONS_FILE ops\.json: operation 0: "id" [0-9a-f]{64} is not the SHA-256 of its body$/,
    );
  });

  it('should keep nothing a client sends in the persisted query cache: only the list answers', async () => {
    const cache = createListedOperationsCache(parsePersistedOperations(manifestOf([LISTED]), 'operations.json'));
    await cache.set(`apq:${sha256(UNLISTED)}`, UNLISTED);
    expect(await cache.get(`apq:${sha256(UNLISTED)}`)).toBeUndefined();
    expect(await cache.get(`apq:${sha256(LISTED)}`)).toBe(LISTED);
  });

  it('should refuse another format', () => {
    expect(() => parsePersistedOperations('{"operations":[]}', 'ops.json')).toThrow(/apollo-persisted-query-manifest/);
  });
});
