import { fileURLToPath } from 'node:url';
import type { KeyValueStore, PubSub, RankedSet, RateLimiter } from '@agora/adapters';
import type { Db } from '@agora/db';
import { buildSchemaFromFile, type Logger, type SubgraphDefinition } from '@agora/service';
import type { PetitionsContext } from './context.js';
import { createOpenList } from './domain/openList.js';
import { createPetitions } from './domain/petitions.js';
import { resolvers } from './resolvers/index.js';
import { createPetitionLoaders } from './store/loaders.js';
import { createPetitionStore } from './store/petitionStore.js';

export {
  PETITIONS_DEFAULT_PORT,
  loadPetitionsConfig,
  readPetitionsSettings,
  type PetitionsSettings,
  type PetitionsConfig,
} from './config.js';

export const PETITIONS_SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export const PETITIONS_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface PetitionsDeps {
  db: Db;
  /** Where launches and closes are announced. */
  pubsub: PubSub;
  /** Where the open list is served from (Redis). */
  rankedSets: RankedSet;
  kv: KeyValueStore;
  logger: Logger;
  /** How often the open list in Redis is checked against PostgreSQL. */
  openListReconcileIntervalMs: number;
  /** Counts petitions written per user (DRAFT_LIMIT_PER_HOUR), shared by every replica. */
  rateLimiter: RateLimiter;
  draftsPerHour: number;
}

/** Builds the petitions subgraph: drafts, launches, closes. Loads the open list into Redis when served. */
export function createPetitionsSubgraph(deps: PetitionsDeps): SubgraphDefinition<PetitionsContext> {
  const store = createPetitionStore(deps.db);
  const openList = createOpenList({ store, rankedSets: deps.rankedSets, kv: deps.kv, logger: deps.logger });
  const petitions = createPetitions({
    store,
    openList,
    pubsub: deps.pubsub,
    logger: deps.logger,
    limiter: deps.rateLimiter,
    draftsPerHour: deps.draftsPerHour,
  });
  let reconciler: NodeJS.Timeout | undefined;
  const reconcile = () =>
    openList
      .reconcile()
      .catch((error: unknown) => deps.logger.warn('could not check the open list; will try again', { error }));
  return {
    name: 'petitions',
    schema: buildSchemaFromFile(PETITIONS_SCHEMA_PATH, resolvers),
    createContext: (viewer) => ({
      viewer,
      store,
      petitions,
      openList,
      loaders: createPetitionLoaders(store, viewer?.userId ?? null),
    }),
    checkReadiness: () => deps.db.ping(),
    start: async () => {
      await openList
        .rebuild()
        .catch((error: unknown) =>
          deps.logger.warn('could not load the open list into Redis; serving it from PostgreSQL', { error }),
        );
      reconciler = setInterval(() => void reconcile(), deps.openListReconcileIntervalMs);
      reconciler.unref();
    },
    stop: async () => {
      clearInterval(reconciler);
    },
    tick: async () => {
      await reconcile();
    },
  };
}
