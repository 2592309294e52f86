import { readFileSync, readdirSync } from 'node:fs';
import type { LambdaHttpEvent } from '@agora/service';
import { TEST_GATEWAY_SECRET } from './graphql.js';
import { lambdaHttpEvent, type FunctionInvoker, type RawFunctionResponse, type TestFunction } from './functions.js';
import { ownTypeDefinitions } from './subgraphContract.js';

const JSON_HEADERS = { 'content-type': 'application/json', 'x-agora-gateway-secret': TEST_GATEWAY_SECRET };

/** Bodies a broken or hostile caller may send, and the GraphQL error each must get. */
const MALFORMED_BODIES: { label: string; body?: string; headers?: Record<string, string>; expected: Answer }[] = [
  { label: 'a JSON array (a batch)', body: '[1]', expected: { status: 400, code: 'BAD_REQUEST' } },
  { label: 'a query that is not a string', body: '{"query": 5}', expected: { status: 400, code: 'BAD_REQUEST' } },
  {
    label: 'a query that does not parse',
    body: '{"query": "{"}',
    expected: { status: 400, code: 'GRAPHQL_PARSE_FAILED' },
  },
  { label: 'no body', expected: { status: 400, code: 'BAD_REQUEST' } },
  {
    label: 'plain text',
    body: 'hello',
    headers: { 'content-type': 'text/plain' },
    expected: { status: 400, code: 'BAD_REQUEST' },
  },
  {
    label: 'a body over the size limit',
    body: JSON.stringify({ query: '{ __typename }', padding: 'x'.repeat(1_000_000) }),
    expected: { status: 413, code: 'BAD_REQUEST' },
  },
];

interface Answer {
  status: number;
  code: string;
}

/** Status and first error code of a response that must be a GraphQL error, and nothing else. */
function answerOf(response: RawFunctionResponse): Answer & { data: unknown } {
  const body = JSON.parse(response.text) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, code: body.errors?.[0]?.extensions?.code ?? 'none', data: body.data };
}

function migrationFiles(migrationsDir: string): string[] {
  return readdirSync(migrationsDir)
    .filter((file) => file.endsWith('.sql'))
    .sort();
}

export interface FunctionContractSetup {
  schemaPath: string;
  migrationsDir: string;
  /** Started by the test file (before this suite runs), stopped by it after. */
  harness(): TestFunction;
}

/**
 * What every subgraph's function promises, on both platforms: it migrates its database on
 * its cold start, serves its schema, refuses callers without the gateway secret, answers
 * health probes, keeps one pool across warm invocations, and meets malformed requests with
 * GraphQL errors, never a crash.
 */
export function describeSubgraphFunctionContract(name: string, setup: FunctionContractSetup): void {
  describe(`${name} function contract`, () => {
    const platform = (key: 'gcf' | 'lambda') => () => setup.harness()[key];
    const platforms: [string, () => FunctionInvoker][] = [
      ['gcf', platform('gcf')],
      ['lambda', platform('lambda')],
    ];

    it('should apply every migration to its fresh database on its cold start', async () => {
      const harness = setup.harness();
      await harness.coldStart();
      const applied = await harness.database.db.query<{ name: string }>(
        'SELECT name FROM schema_migrations ORDER BY name',
      );
      expect(applied.map((row) => row.name)).toEqual(migrationFiles(setup.migrationsDir));
    });

    it.each(platforms)('should serve the types of its schema.graphql through the %s handler', async (_, invoker) => {
      const result = await invoker().request<{ _service: { sdl: string } }>('{ _service { sdl } }');
      expect(result.status).toBe(200);
      expect(ownTypeDefinitions(result.data?._service.sdl ?? '')).toBe(
        ownTypeDefinitions(readFileSync(setup.schemaPath, 'utf8')),
      );
    });

    it.each(platforms)(
      'should refuse requests without the gateway secret through the %s handler',
      async (_, invoker) => {
        for (const secret of [undefined, `${TEST_GATEWAY_SECRET}-wrong`]) {
          const response = await invoker().send({
            headers: {
              'content-type': 'application/json',
              ...(secret === undefined ? {} : { 'x-agora-gateway-secret': secret }),
            },
            body: JSON.stringify({ query: '{ _service { sdl } }' }),
          });
          expect({ secret, ...answerOf(response) }).toEqual({
            secret,
            status: 403,
            code: 'FORBIDDEN',
            data: undefined,
          });
        }
      },
    );

    it.each(platforms)('should answer health probes without the secret through the %s handler', async (_, invoker) => {
      const live = await invoker().send({ method: 'GET', path: '/health/live' });
      const ready = await invoker().send({ method: 'GET', path: '/health/ready' });
      const elsewhere = await invoker().send({ method: 'GET', path: '/elsewhere' });
      expect([live.status, JSON.parse(live.text)]).toEqual([200, { status: 'ok' }]);
      expect([ready.status, JSON.parse(ready.text)]).toEqual([200, { status: 'ready' }]);
      expect(answerOf(elsewhere)).toEqual({ status: 404, code: 'NOT_FOUND', data: undefined });
    });

    it('should reuse the warm instance and its one pooled connection on later invocations', async () => {
      const harness = setup.harness();
      const connections = () =>
        harness.database.db.query<{ pid: number; backendStart: Date }>(
          `SELECT pid, backend_start AS "backendStart" FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = $1`,
          [`agora-${name}`],
        );
      // Readiness runs SQL through the pool, and needs no data of the subgraph's own.
      const checkReady = async (invoker: FunctionInvoker) =>
        expect((await invoker.send({ method: 'GET', path: '/health/ready' })).status).toBe(200);
      await checkReady(harness.lambda);
      const first = await connections();
      expect(first).toHaveLength(1);
      for (const invoker of [harness.gcf, harness.lambda, harness.gcf]) await checkReady(invoker);
      expect(await connections()).toEqual(first);
    });

    it.each(platforms)(
      'should answer malformed bodies with GraphQL errors through the %s handler',
      async (_, invoker) => {
        for (const { label, body, headers, expected } of MALFORMED_BODIES) {
          const response = await invoker().send({
            headers: { ...JSON_HEADERS, ...headers },
            ...(body === undefined ? {} : { body }),
          });
          expect({ label, ...answerOf(response) }).toEqual({ label, ...expected, data: undefined });
        }
        expect((await invoker().request('{ __typename }')).data).toEqual({ __typename: 'Query' });
      },
    );

    it.each(platforms)('should answer a GET query from its query string through the %s handler', async (_, invoker) => {
      const response = await invoker().send({
        method: 'GET',
        path: `/graphql?query=${encodeURIComponent('{ __typename }')}`,
        // Apollo's CSRF prevention lets a GET through only with a header a form cannot set.
        headers: { 'x-agora-gateway-secret': TEST_GATEWAY_SECRET, 'apollo-require-preflight': 'true' },
      });
      expect([response.status, JSON.parse(response.text)]).toEqual([200, { data: { __typename: 'Query' } }]);
    });

    it('should read a base64-encoded body through the lambda handler', async () => {
      const event = lambdaHttpEvent({ headers: JSON_HEADERS });
      const body = Buffer.from(JSON.stringify({ query: '{ __typename }' })).toString('base64');
      const result = await setup.harness().fn.lambda({ ...event, body, isBase64Encoded: true });
      expect([result.statusCode, JSON.parse(result.body)]).toEqual([200, { data: { __typename: 'Query' } }]);
    });

    it('should answer JSON that does not parse with a GraphQL error through the lambda handler', async () => {
      const response = await setup.harness().lambda.send({ headers: JSON_HEADERS, body: '{ bad' });
      expect(answerOf(response)).toEqual({ status: 400, code: 'BAD_REQUEST', data: undefined });
    });

    // The Functions Framework parses JSON before any function runs and answers what it cannot
    // parse itself (HTML, no GraphQL error); the function must simply go on serving.
    it('should go on serving after the Functions Framework refused JSON that does not parse', async () => {
      const { gcf } = setup.harness();
      const response = await gcf.send({ headers: JSON_HEADERS, body: '{ bad' });
      expect(response.status).toBe(400);
      expect((await gcf.request('{ __typename }')).data).toEqual({ __typename: 'Query' });
    });

    it('should answer an event that is not HTTP with a GraphQL error through the lambda handler', async () => {
      // A scheduler's event, sent to the HTTP handler by mistake: the type says it cannot happen.
      const notHttp = { source: 'aws.events' } as unknown as LambdaHttpEvent;
      const result = await setup.harness().fn.lambda(notHttp);
      expect(answerOf({ status: result.statusCode, headers: result.headers, text: result.body })).toEqual({
        status: 400,
        code: 'BAD_REQUEST',
        data: undefined,
      });
    });

    it('should run a round of background work when ticked', async () => {
      await expect(setup.harness().fn.tick({ source: 'aws.events' })).resolves.toEqual({
        service: name,
        tookMs: expect.any(Number),
      });
    });
  });
}
