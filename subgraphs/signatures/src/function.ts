// The signatures service as serverless functions (Cloud Functions, Lambda): the subgraph
// index.ts serves, set up by an instance's first invocation and reused while it stays warm.
import { createAdapters } from '@agora/adapters';
import type { Env } from '@agora/config';
import {
  createFunctionLogger,
  createServiceClient,
  createSubgraphFunction,
  requireRedisUrl,
  type Logger,
  type SubgraphFunction,
} from '@agora/service';
import { SIGNATURES_MIGRATIONS_DIR, createSignaturesSubgraph, loadSignaturesConfig } from './subgraph.js';

export function createSignaturesFunction(
  env: Env,
  logger: Logger = createFunctionLogger('signatures', env),
): SubgraphFunction {
  return createSubgraphFunction({
    name: 'signatures',
    migrationsDir: SIGNATURES_MIGRATIONS_DIR,
    env,
    logger,
    setUp() {
      const config = loadSignaturesConfig(env);
      const redisUrl = requireRedisUrl(config.service, 'signatures', 'counts reach the gateway through it');
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
            settings: { ...config.settings, replicaMaxAgeMs: config.settings.replicaMaxAgeMs ?? 1_000 },
          }),
        close: () => adapters.close(),
      };
    },
  });
}

/**
 * The entry points: `gcf` (Cloud Functions), `lambda` (Lambda), `tick` (on a schedule: reads
 * the petitions log for launches and closes, and reconciles counts).
 */
export const { gcf, lambda, tick } = createSignaturesFunction(process.env);
