// The signatures service as its own process (distributed mode): env → config → deps → listen → signals.
import { createAdapters } from '@agora/adapters';
import { createLogger, createServiceClient, requireRedisUrl, runService, startSubgraphService } from '@agora/service';
import { SIGNATURES_MIGRATIONS_DIR, createSignaturesSubgraph, loadSignaturesConfig } from './subgraph.js';

const logger = createLogger({
  service: 'signatures',
  format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text',
});

await runService(
  'signatures',
  async () => {
    const config = loadSignaturesConfig(process.env);
    const redisUrl = requireRedisUrl(config.service, 'signatures', 'petition launches and closes arrive on it');
    const adapters = createAdapters({ redisUrl, prefix: config.service.redisPrefix });
    const petitions = createServiceClient({
      service: 'petitions',
      url: config.petitionsUrl,
      gatewaySecret: config.service.gatewaySecret,
      timeoutMs: config.serviceTimeoutMs,
    });
    const service = await startSubgraphService({
      name: 'signatures',
      databaseUrl: config.databaseUrl,
      migrationsDir: SIGNATURES_MIGRATIONS_DIR,
      serve: { ...config.service, logger },
      build: (db, metrics) =>
        createSignaturesSubgraph({
          metrics,
          db,
          pubsub: adapters.pubsub,
          rankedSets: adapters.rankedSets,
          rateLimiter: adapters.rateLimiter,
          petitions,
          logger,
          settings: config.settings,
        }),
    });
    return {
      async stop() {
        await service.stop();
        await adapters.close();
      },
    };
  },
  { logger },
);
