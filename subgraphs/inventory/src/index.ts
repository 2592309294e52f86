// The inventory service as its own process (distributed mode): env → config → deps → listen → signals.
import { createLogger, runService, startSubgraphService } from '@agora/service';
import { INVENTORY_MIGRATIONS_DIR, createInventorySubgraph, loadInventoryConfig } from './subgraph.js';

const logger = createLogger({
  service: 'inventory',
  format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text',
});

await runService(
  'inventory',
  async () => {
    const config = loadInventoryConfig(process.env);
    return startSubgraphService({
      name: 'inventory',
      databaseUrl: config.databaseUrl,
      migrationsDir: INVENTORY_MIGRATIONS_DIR,
      serve: { ...config.service, logger },
      build: (db) => createInventorySubgraph({ db }),
    });
  },
  { logger },
);
