import { fileURLToPath } from 'node:url';
import type { PubSub } from '@agora/adapters';
import type { Db } from '@agora/db';
import { buildSchemaFromFile, type Logger, type SubgraphDefinition } from '@agora/service';
import type { PetitionsContext } from './context.js';
import { createPetitions } from './domain/petitions.js';
import { resolvers } from './resolvers/index.js';
import { createPetitionLoaders } from './store/loaders.js';
import { createPetitionStore } from './store/petitionStore.js';

export { PETITIONS_DEFAULT_PORT, loadPetitionsConfig, type PetitionsConfig } from './config.js';

export const PETITIONS_SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export const PETITIONS_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface PetitionsDeps {
  db: Db;
  /** Where launches and closes are announced. */
  pubsub: PubSub;
  logger: Logger;
}

/** Builds the petitions subgraph: drafts, launches, closes. No I/O until it serves. */
export function createPetitionsSubgraph(deps: PetitionsDeps): SubgraphDefinition<PetitionsContext> {
  const store = createPetitionStore(deps.db);
  const petitions = createPetitions({ store, pubsub: deps.pubsub, logger: deps.logger });
  return {
    name: 'petitions',
    schema: buildSchemaFromFile(PETITIONS_SCHEMA_PATH, resolvers),
    createContext: (viewer) => ({ viewer, store, petitions, loaders: createPetitionLoaders(store) }),
    checkReadiness: async () => {
      await deps.db.query('SELECT 1');
    },
  };
}
