import { fileURLToPath } from 'node:url';
import type { KeyValueStore } from '@agora/adapters';
import type { Db } from '@agora/db';
import { buildSchemaFromFile, type SubgraphDefinition } from '@agora/service';
import type { UsersContext } from './context.js';
import { createAccounts } from './domain/accounts.js';
import { createPasswordHasher, type PasswordHashing } from './domain/passwords.js';
import { createTokenIssuer, type TokenSettings } from './domain/sessionTokens.js';
import { resolvers } from './resolvers/index.js';
import { createUserLoaders } from './store/loaders.js';
import { createUserStore } from './store/userStore.js';

export { loadUsersConfig, USERS_DEFAULT_PORT, type UsersConfig } from './config.js';

export const USERS_SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export const USERS_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface UsersDeps {
  db: Db;
  /** Where revoked sessions are published for the gateway. */
  kv: KeyValueStore;
  tokens: TokenSettings;
  passwordHashing: PasswordHashing;
}

/** Builds the users subgraph: accounts, sessions and tokens. No I/O until it serves. */
export function createUsersSubgraph(deps: UsersDeps): SubgraphDefinition<UsersContext> {
  const store = createUserStore(deps.db);
  const accounts = createAccounts({
    store,
    kv: deps.kv,
    passwords: createPasswordHasher(deps.passwordHashing),
    tokens: createTokenIssuer(deps.tokens),
  });
  return {
    name: 'users',
    schema: buildSchemaFromFile(USERS_SCHEMA_PATH, resolvers),
    createContext: (viewer) => ({ viewer, accounts, loaders: createUserLoaders(store) }),
    checkReadiness: async () => {
      await deps.db.query('SELECT 1');
    },
  };
}
