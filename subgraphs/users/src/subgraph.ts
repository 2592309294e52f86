import { fileURLToPath } from 'node:url';
import type { KeyValueStore, PubSub, RateLimiter } from '@agora/adapters';
import type { Db } from '@agora/db';
import { buildSchemaFromFile, type Logger, type SubgraphDefinition } from '@agora/service';
import type { UsersContext } from './context.js';
import { createAccounts, type AttemptLimits } from './domain/accounts.js';
import { createPasswordHasher, type PasswordHashing } from './domain/passwords.js';
import { createTokenIssuer, type TokenSettings } from './domain/sessionTokens.js';
import { resolvers } from './resolvers/index.js';
import { createUserLoaders } from './store/loaders.js';
import { createUserStore } from './store/userStore.js';

export { loadUsersConfig, readAttemptLimits, USERS_DEFAULT_PORT, type UsersConfig } from './config.js';
export type { AttemptLimits } from './domain/accounts.js';
// Tests and the benchmark mint session tokens the way users does, with the same keys.
export { createTokenIssuer, type TokenIssuer } from './domain/sessionTokens.js';

export const USERS_SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export const USERS_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface UsersDeps {
  db: Db;
  /** Where revoked sessions are published for the gateway. */
  kv: KeyValueStore;
  /** Where logouts are announced to the gateways. */
  pubsub: PubSub;
  /** Counts login and registration attempts, shared by every replica. */
  rateLimiter: RateLimiter;
  attemptLimits: AttemptLimits;
  tokens: TokenSettings;
  passwordHashing: PasswordHashing;
  logger: Logger;
  /** How often revoked sessions are written to the shared store again (in case it lost them). */
  revocationRepublishIntervalMs: number;
}

/** Builds the users subgraph: accounts, sessions and tokens. No I/O until it serves. */
export function createUsersSubgraph(deps: UsersDeps): SubgraphDefinition<UsersContext> {
  const store = createUserStore(deps.db);
  const accounts = createAccounts({
    store,
    kv: deps.kv,
    pubsub: deps.pubsub,
    limiter: deps.rateLimiter,
    limits: deps.attemptLimits,
    logger: deps.logger,
    passwords: createPasswordHasher(deps.passwordHashing),
    tokens: createTokenIssuer(deps.tokens),
  });
  let timer: NodeJS.Timeout | undefined;
  const republish = () =>
    accounts.republishRevocations().catch((error: unknown) => {
      deps.logger.warn('could not write revoked sessions to the shared store; will try again', { error });
    });
  return {
    name: 'users',
    schema: buildSchemaFromFile(USERS_SCHEMA_PATH, resolvers),
    createContext: (viewer, { clientAddress }) => ({
      viewer,
      clientAddress,
      accounts,
      store,
      loaders: createUserLoaders(store),
    }),
    checkReadiness: () => deps.db.ping(),
    start: async () => {
      await republish();
      timer = setInterval(() => void republish(), deps.revocationRepublishIntervalMs);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
    },
    tick: async () => {
      await republish();
    },
  };
}
