// The whole federation for tests (this package's and others'): import from '@agora/launcher/testing'.
import { dropDatabase } from '@agora/db';
import { randomUUID } from 'node:crypto';
import { createTokenIssuer } from '@agora/users';
import { createAdapters } from '@agora/adapters';
import { defaultGatewayTuning, defaultQueryLimits, serveGateway, type ConnectionLimits } from '@agora/gateway';
import {
  DEFAULT_HTTP_TIMEOUTS,
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  generateSigningKeys,
  silentLogger,
} from '@agora/service';
import {
  TEST_DATABASE_SERVER,
  TEST_GATEWAY_SECRET,
  TEST_PASSWORD_HASHING,
  postGraphQL,
  uniqueTag,
  type GraphQLResult,
} from '@agora/testkit';
import type { CheckoutSettings } from '@agora/orders';
import type { SubgraphName } from '@agora/schema';
import { allInOneGatewayDeps, startAgora, type AgoraOptions } from './startAgora.js';

/** Checkout as tests run it: recovery only when a test asks, limits no test reaches by accident. */
export const TEST_CHECKOUT_SETTINGS: CheckoutSettings = {
  deadlineMs: 5_000,
  retry: { initialBackoffMs: 20, maxBackoffMs: 200 },
  recoveryDeadlineMs: 30_000,
  recoveryIntervalMs: 3_600_000,
  recoveryBatchSize: 100,
  recoveryConcurrency: 8,
  duplicateWaitMs: 10_000,
  limits: { perUser: 10_000, perAddress: 100_000 },
};

/** Signing as tests run it: background work only when a test asks, limits no test reaches by accident. */
export const TEST_SIGNING_SETTINGS: AgoraOptions['signing'] = {
  replicaSyncIntervalMs: 3_600_000,
  reconcileIntervalMs: 3_600_000,
  maxBatch: 500,
  replicaMaxAgeMs: null,
  countsSource: 'redis',
  limits: { perUser: 1_000, perAddress: 100_000 },
};

/**
 * Connections as tests hold them: every test calls from 127.0.0.1, often with hundreds of
 * clients at once, so the caps are out of reach unless a test lowers them; deadlines as deployed.
 */
export const TEST_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnectionsPerAddress: 100_000,
  maxOperationsPerAddress: 100_000,
  httpTimeouts: DEFAULT_HTTP_TIMEOUTS,
};

/** The whole federation in this process on free ports, on fresh databases of its own. */
export async function startTestAgora(overrides: Partial<AgoraOptions> = {}) {
  const queries = new Map<SubgraphName, number>();
  const signingKeys = overrides.signingKeys ?? generateSigningKeys();
  const tokens = createTokenIssuer({
    privateKeyPem: signingKeys.privateKeyPem,
    keyId: signingKeys.keyId,
    issuer: DEFAULT_TOKEN_ISSUER,
    audience: DEFAULT_TOKEN_AUDIENCE,
    ttlSeconds: 3600,
  });
  const options: AgoraOptions = {
    databaseServerUrl: TEST_DATABASE_SERVER,
    databasePrefix: `agora_test_e2e_${uniqueTag()}_`,
    redisUrl: undefined,
    redisPrefix: 'agora-test',
    host: '127.0.0.1',
    gatewayPort: 0,
    gatewayMetricsPort: 0,
    // The operations the observability test follows by name.
    metricsOperationNames: ['Checkout'],
    shutdownDelayMs: 0,
    subgraphPorts: { users: 0, inventory: 0, orders: 0, financial: 0, petitions: 0, signatures: 0 },
    gatewaySecret: TEST_GATEWAY_SECRET,
    signingKeys,
    production: false,
    passwordHashing: TEST_PASSWORD_HASHING,
    tokenTtlSeconds: 3600,
    serviceTimeoutMs: 2_000,
    gatewayTimeoutMs: 10_000,
    // Two test files run at once on one PostgreSQL (100 connections by default), each with a
    // federation of six pools or more: ten connections a pool could take them all.
    databasePoolSize: 4,
    trustedProxyHops: 0,
    coalesceMs: 100,
    // The limits a deployment gets by default: the tests prove the clients' operations fit.
    queryLimits: defaultQueryLimits(),
    connectionLimits: TEST_CONNECTION_LIMITS,
    // As deployed by default: the caches' byte budgets included.
    gatewayTuning: defaultGatewayTuning(),
    openListReconcileIntervalMs: 60_000,
    draftsPerHour: 10_000,
    signing: TEST_SIGNING_SETTINGS,
    // Tests register hundreds of users from one address; the limits' own test lowers these.
    attemptLimits: {
      loginFailuresPerAccountAndAddress: 1_000,
      loginFailuresPerAddress: 100_000,
      loginFailuresPerAccount: 10_000,
      registerPerAddress: 100_000,
    },
    checkout: TEST_CHECKOUT_SETTINGS,
    logger: silentLogger,
    onQuery: (subgraph) => queries.set(subgraph, (queries.get(subgraph) ?? 0) + 1),
    ...overrides,
  };
  const agora = await startAgora(options);
  return {
    ...agora,
    /**
     * Another gateway in front of the same subgraphs and on the same Redis, as a second
     * replica would be, with the gateway settings of `overrides` (e.g. trustedProxyHops, or a
     * `redisUrl` reaching the same Redis another way). Stop it before the federation.
     */
    async startSecondGateway(overrides: Partial<AgoraOptions> = {}): Promise<{ url: string; stop(): Promise<void> }> {
      const merged = { ...options, ...overrides };
      const adapters = createAdapters({
        redisUrl: merged.redisUrl,
        prefix: merged.redisPrefix,
        redisSettings: merged.redisSettings,
      });
      const deps = await allInOneGatewayDeps(merged, adapters, agora.subgraphUrls);
      const gateway = await serveGateway(deps, {
        port: 0,
        host: '127.0.0.1',
      });
      return {
        url: gateway.url,
        async stop() {
          await gateway.stop();
          await adapters.close();
        },
      };
    },
    /** The keys sessions are signed with (a second gateway in a test verifies with them). */
    signingKeys,
    /**
     * A session token for a user who need not exist (what signing and watching need), signed
     * as users would sign it.
     */
    async mintToken(userId: string = randomUUID()): Promise<string> {
      const issued = await tokens.issue(userId, randomUUID(), tokens.expiryFrom(new Date()));
      return issued.token;
    },
    /** Statements each subgraph sent since the last reset. */
    queryCounts: () => Object.fromEntries(queries) as Partial<Record<SubgraphName, number>>,
    resetQueryCounts: () => queries.clear(),
    /** Sends an operation to the gateway, as `token`'s owner when given. */
    request<Data = Record<string, unknown>>(
      query: string,
      variables: Record<string, unknown> = {},
      token?: string,
      headers: Record<string, string> = {},
    ): Promise<GraphQLResult<Data>> {
      return postGraphQL<Data>(agora.gatewayUrl, query, {
        variables,
        headers: { ...headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      });
    },
    async stop() {
      await agora.stop();
      await Promise.all(Object.values(agora.databaseUrls).map((url) => dropDatabase(url)));
    },
  };
}

export type TestAgora = Awaited<ReturnType<typeof startTestAgora>>;

/** The password registerUser gives everyone, for tests that log in as they would. */
export const TEST_USER_PASSWORD = 'correct horse battery';

/** Registers a user through the gateway and returns their id and token. */
export async function registerUser(
  agora: TestAgora,
  name: string,
  email = `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}-${uniqueTag()}@example.com`,
) {
  const result = await agora.request<{ register: { token: string; user: { id: string } } }>(
    `mutation ($input: RegisterInput!) { register(input: $input) { __typename ... on AuthPayload { token user { id } } ... on ErrorResult { message } } }`,
    { input: { email, password: TEST_USER_PASSWORD, name } },
  );
  const payload = result.data?.register;
  if (payload?.token === undefined) throw new Error(`register failed: ${JSON.stringify(result)}`);
  return { id: payload.user.id, token: payload.token, email };
}

/** Creates a petition as `creatorToken`'s owner and launches it; returns its id. */
export async function openPetition(
  agora: TestAgora,
  creatorToken: string,
  title: string,
  body = 'Body',
): Promise<string> {
  const created = await agora.request<{ createPetition: { __typename: string; id?: string } }>(
    `mutation ($input: PetitionInput!) { createPetition(input: $input) { __typename ... on Petition { id } } }`,
    { input: { title, body } },
    creatorToken,
  );
  const id = created.data?.createPetition.id;
  if (id === undefined) throw new Error(`createPetition failed: ${JSON.stringify(created)}`);
  const launched = await agora.request<{ launchPetition: { __typename: string } }>(
    `mutation ($id: ID!) { launchPetition(id: $id) { __typename } }`,
    { id },
    creatorToken,
  );
  if (launched.data?.launchPetition.__typename !== 'Petition') {
    throw new Error(`launchPetition failed: ${JSON.stringify(launched)}`);
  }
  return id;
}
