// How the petitions service makes itself from its environment, as a long-lived process
// (index.ts) and as a function (function.ts) alike.
import { createAdapters } from '@agora/adapters';
import type { Env } from '@agora/config';
import { requireRedisUrl, type Logger, type SubgraphDeployment } from '@agora/service';
import type { PetitionsContext } from './context.js';
import { createPetitionsSubgraph, loadPetitionsConfig } from './subgraph.js';

/** Reads the settings, opens Redis and the peers' clients, and says how to build the subgraph. */
export function petitionsDeployment(env: Env, logger: Logger): SubgraphDeployment<PetitionsContext> {
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
        rateLimiter: adapters.rateLimiter,
        draftsPerHour: config.draftsPerHour,
      }),
    close: () => adapters.close(),
  };
}
