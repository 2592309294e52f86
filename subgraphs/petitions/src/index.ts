// The petitions service as its own process (distributed mode): env → config → deps → listen → signals.
import { createAdapters } from '@agora/adapters';
import { createLogger, requireRedisUrl, runService, startSubgraphService } from '@agora/service';
import { PETITIONS_MIGRATIONS_DIR, createPetitionsSubgraph, loadPetitionsConfig } from './subgraph.js';

const logger = createLogger({
  service: 'petitions',
  format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text',
});

await runService(
  'petitions',
  async () => {
    const config = loadPetitionsConfig(process.env);
    const redisUrl = requireRedisUrl(config.service, 'petitions', 'launches and closes are published on it');
    const adapters = createAdapters({ redisUrl, prefix: config.service.redisPrefix });
    const service = await startSubgraphService({
      name: 'petitions',
      databaseUrl: config.databaseUrl,
      migrationsDir: PETITIONS_MIGRATIONS_DIR,
      serve: { ...config.service, logger },
      build: (db) =>
        createPetitionsSubgraph({
          db,
          pubsub: adapters.pubsub,
          rankedSets: adapters.rankedSets,
          kv: adapters.kv,
          logger,
          openListReconcileIntervalMs: config.openListReconcileIntervalMs,
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
