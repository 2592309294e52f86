import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type GcfHandler,
  type Identity,
  type LambdaHandler,
  type LambdaHttpEvent,
  type SubgraphFunction,
} from '@agora/service';
import { createTestDatabase, uniqueTag, type TestDatabase } from './databases.js';
import { TEST_GATEWAY_SECRET, gatewayHeaders, type GatewayCalls, type GraphQLResult } from './graphql.js';
import { TEST_REDIS_URL, testRedisPrefix } from './redis.js';

export type FunctionPlatform = 'gcf' | 'lambda';

export interface RawFunctionRequest {
  method?: string;
  /** Path with its query string, e.g. '/graphql?query=…'; '/' when undefined. */
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface RawFunctionResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** One platform's way into a function handler, as that platform would invoke it. */
export interface FunctionInvoker extends GatewayCalls {
  platform: FunctionPlatform;
  send(request: RawFunctionRequest): Promise<RawFunctionResponse>;
  stop(): Promise<void>;
}

/**
 * Serves a Cloud Functions handler through the real Functions Framework (its express app and
 * body parsing, as Google runs it) on a free port.
 */
export async function invokeThroughGcf(handler: GcfHandler): Promise<FunctionInvoker> {
  // Loaded here, not with the testkit: most test files never need it.
  const { http } = await import('@google-cloud/functions-framework');
  const { getTestServer } = await import('@google-cloud/functions-framework/testing');
  const name = `agora-test-${uniqueTag()}`;
  http(name, handler);
  const server = getTestServer(name);
  const base = `http://127.0.0.1:${await listen(server)}`;
  const send = async (request: RawFunctionRequest): Promise<RawFunctionResponse> => {
    const response = await fetch(`${base}${request.path ?? '/'}`, {
      method: request.method ?? 'POST',
      headers: request.headers ?? {},
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    return { status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() };
  };
  return withGatewayRequests('gcf', send, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}

/** Invokes a Lambda handler in-process with the event an HTTP API (payload 2.0) or a function URL sends. */
export function invokeThroughLambda(handler: LambdaHandler): FunctionInvoker {
  const send = async (request: RawFunctionRequest): Promise<RawFunctionResponse> => {
    const result = await handler(lambdaHttpEvent(request));
    return { status: result.statusCode, headers: result.headers, text: result.body };
  };
  return withGatewayRequests('lambda', send, async () => {});
}

/** The event Lambda builds for an HTTP request (the fields a handler may read, as Lambda fills them). */
export function lambdaHttpEvent(request: RawFunctionRequest): LambdaHttpEvent {
  const url = new URL(request.path ?? '/', 'https://function.invalid');
  const method = request.method ?? 'POST';
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: { http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' } },
    isBase64Encoded: false,
    ...(request.body === undefined ? {} : { body: request.body }),
  };
  return event;
}

function withGatewayRequests(
  platform: FunctionPlatform,
  send: (request: RawFunctionRequest) => Promise<RawFunctionResponse>,
  stop: () => Promise<void>,
): FunctionInvoker {
  return {
    platform,
    send,
    stop,
    async request<Data>(
      query: string,
      variables: Record<string, unknown> = {},
      identity: Identity | null = null,
      clientAddress?: string,
    ) {
      const response = await send({
        headers: { 'content-type': 'application/json', ...gatewayHeaders(identity, clientAddress) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...(JSON.parse(response.text) as Omit<GraphQLResult<Data>, 'status'>) };
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export interface TestFunction {
  fn: SubgraphFunction;
  /** The function's own fresh database (it migrates it on its cold start). */
  database: TestDatabase;
  /** The environment the function was built from. */
  env: Record<string, string>;
  gcf: FunctionInvoker;
  lambda: FunctionInvoker;
  /** Both platforms, for `it.each`. */
  platforms: FunctionInvoker[];
  /** Starts the instance (a readiness probe) so that its database is migrated. */
  coldStart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A subgraph's function built from an environment as a deployment's would be, on its own
 * database and Redis prefix, with a pool of one connection that outlives the test file.
 */
export async function startTestFunction(
  label: string,
  create: (env: Record<string, string>) => SubgraphFunction,
  env: Record<string, string> = {},
): Promise<TestFunction> {
  const database = await createTestDatabase(`${label}_fn`);
  const fullEnv = {
    NODE_ENV: 'test',
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: testRedisPrefix(`${label}-fn`),
    DATABASE_POOL_MAX: '1',
    DATABASE_IDLE_TIMEOUT_MS: '600000',
    ...env,
  };
  const fn = create(fullEnv);
  const gcf = await invokeThroughGcf(fn.gcf);
  const lambda = invokeThroughLambda(fn.lambda);
  return {
    fn,
    database,
    env: fullEnv,
    gcf,
    lambda,
    platforms: [gcf, lambda],
    async coldStart() {
      const probe = await lambda.send({ method: 'GET', path: '/health/ready' });
      if (probe.status !== 200) throw new Error(`The function is not ready: HTTP ${probe.status} ${probe.text}`);
    },
    async stop() {
      await gcf.stop();
      await fn.close();
      await database.drop();
    },
  };
}
