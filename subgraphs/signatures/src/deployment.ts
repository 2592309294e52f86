// How the signatures service makes itself from its environment, as a long-lived process
// (index.ts) and as a function (function.ts) alike.
import { createAdapters } from '@agora/adapters';
import type { Env } from '@agora/config';
import { createServiceClient, requireRedisUrl, type Logger, type SubgraphDeployment } from '@agora/service';
import type { SignaturesContext } from './context.js';
import { createSignaturesSubgraph, loadSignaturesConfig } from './subgraph.js';

/**
 * Reads the settings, opens Redis and the petitions client, and says how to build the
 * subgraph; `hearsEvents` is false for a function, which gets no pub/sub messages.
 */
export function signaturesDeployment(
  env: Env,
  logger: Logger,
  options: { hearsEvents: boolean } = { hearsEvents: true },
): SubgraphDeployment<SignaturesContext> {
  const config = loadSignaturesConfig(env);
  const redisUrl = requireRedisUrl(
    config.service,
    'signatures',
    'launches and closes arrive, and counts leave, through it',
  );
  const adapters = createAdapters({ redisUrl, prefix: config.service.redisPrefix });
  const petitions = createServiceClient({
    service: 'petitions',
    url: config.petitionsUrl,
    gatewaySecret: config.service.gatewaySecret,
    timeoutMs: config.serviceTimeoutMs,
  });
  return {
    service: config.service,
    databaseUrl: config.databaseUrl,
    build: (db, metrics) =>
      createSignaturesSubgraph({
        metrics,
        db,
        pubsub: adapters.pubsub,
        rankedSets: adapters.rankedSets,
        rateLimiter: adapters.rateLimiter,
        petitions,
        logger,
        // A function hears no launch or close events: it reads the log at most a second
        // before signing, so a closed petition stops taking signatures within a second.
        settings: options.hearsEvents
          ? config.settings
          : { ...config.settings, replicaMaxAgeMs: config.settings.replicaMaxAgeMs ?? 1_000 },
      }),
    close: async () => {
      await petitions.close();
      await adapters.close();
    },
  };
}
