import { MemKeyValueStore, MemPubSub, MemRateLimiter, type RateLimiter } from '@agora/adapters';
import { runMigrations } from '@agora/db';
import {
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  generateSigningKeys,
  silentLogger,
  type SigningKeys,
} from '@agora/service';
import { TEST_PASSWORD_HASHING, createTestDatabase, serveTestSubgraph, type TestDatabase } from '@agora/testkit';
import { USERS_MIGRATIONS_DIR, createUsersSubgraph, type AttemptLimits } from '../subgraph.js';

/**
 * The users subgraph on its own fresh database, served on a free port; or on the database
 * of an earlier one, as after a restart.
 */
export async function startUsers(
  earlier?: { database: TestDatabase; keys: SigningKeys },
  limits: { attemptLimits?: AttemptLimits; rateLimiter?: RateLimiter } = {},
) {
  const database = earlier?.database ?? (await createTestDatabase('users'));
  await runMigrations(database.db, USERS_MIGRATIONS_DIR);
  const kv = new MemKeyValueStore();
  const pubsub = new MemPubSub();
  const keys = earlier?.keys ?? generateSigningKeys();
  const subgraph = await serveTestSubgraph(
    createUsersSubgraph({
      db: database.db,
      kv,
      pubsub,
      rateLimiter: limits.rateLimiter ?? new MemRateLimiter(),
      attemptLimits: limits.attemptLimits ?? {
        loginFailuresPerAccountAndAddress: 100,
        loginFailuresPerAddress: 1_000,
        loginFailuresPerAccount: 1_000,
        registerPerAddress: 1_000,
      },
      tokens: {
        privateKeyPem: keys.privateKeyPem,
        keyId: keys.keyId,
        issuer: DEFAULT_TOKEN_ISSUER,
        audience: DEFAULT_TOKEN_AUDIENCE,
        ttlSeconds: 3600,
      },
      passwordHashing: TEST_PASSWORD_HASHING,
      logger: silentLogger,
      revocationRepublishIntervalMs: 3_600_000,
    }),
  );
  return {
    database,
    kv,
    pubsub,
    keys,
    subgraph,
    /** Stops serving but keeps the database, as a restart would. */
    async restart() {
      await subgraph.stop();
      return startUsers({ database, keys });
    },
    async stop() {
      await subgraph.stop();
      await database.drop();
    },
  };
}

export type UsersHarness = Awaited<ReturnType<typeof startUsers>>;

export const REGISTER = /* GraphQL */ `
  mutation ($input: RegisterInput!) {
    register(input: $input) {
      __typename
      ... on AuthPayload {
        token
        expiresAt
        user {
          id
          name
          email
          createdAt
        }
      }
      ... on ErrorResult {
        code
        message
      }
      ... on InvalidInput {
        field
      }
    }
  }
`;

export const LOGIN = /* GraphQL */ `
  mutation ($input: LoginInput!) {
    login(input: $input) {
      __typename
      ... on AuthPayload {
        token
        expiresAt
        user {
          id
          email
        }
      }
      ... on ErrorResult {
        code
        message
      }
    }
  }
`;
