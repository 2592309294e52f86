// The petitions service as serverless functions (Cloud Functions, Lambda): the subgraph
// index.ts serves, set up by an instance's first invocation and reused while it stays warm.
import { createAdapters } from '@agora/adapters';
import type { Env } from '@agora/config';
import {
  createFunctionLogger,
  createSubgraphFunction,
  requireRedisUrl,
  type Logger,
  type SubgraphFunction,
} from '@agora/service';
import { PETITIONS_MIGRATIONS_DIR, createPetitionsSubgraph, loadPetitionsConfig } from './subgraph.js';

export function createPetitionsFunction(
  env: Env,
  logger: Logger = createFunctionLogger('petitions', env),
): SubgraphFunction {
  return createSubgraphFunction({
    name: 'petitions',
    migrationsDir: PETITIONS_MIGRATIONS_DIR,
    env,
    logger,
    setUp() {
      const config = loadPetitionsConfig(env);
      const redisUrl = requireRedisUrl(config.service, 'petitions', 'launches and closes are published on it');
      const adapters = createAdapters({ redisUrl, prefix: config.service.redisPrefix });
      return {
        service: config.service,
        databaseUrl: config.databaseUrl,
        build: (db) =>
          createPetitionsSubgraph({
            db,
            pubsub: adapters.pubsub,
            rankedSets: adapters.rankedSets,
            kv: adapters.kv,
            logger,
            openListReconcileIntervalMs: config.openListReconcileIntervalMs,
          }),
        close: () => adapters.close(),
      };
    },
  });
}

/** The entry points: `gcf` (Cloud Functions), `lambda` (Lambda), `tick` (on a schedule: the open list checked). */
export const { gcf, lambda, tick } = createPetitionsFunction(process.env);
