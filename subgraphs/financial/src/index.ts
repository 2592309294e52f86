// The financial service as its own process (distributed mode): env → config → deps → listen → signals.
import { createLogger, runService, startSubgraphService } from '@agora/service';
import { FINANCIAL_MIGRATIONS_DIR, createFinancialSubgraph, loadFinancialConfig } from './subgraph.js';

const logger = createLogger({
  service: 'financial',
  format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text',
});

await runService(
  'financial',
  async () => {
    const config = loadFinancialConfig(process.env);
    return startSubgraphService({
      name: 'financial',
      databaseUrl: config.databaseUrl,
      migrationsDir: FINANCIAL_MIGRATIONS_DIR,
      serve: { ...config.service, logger },
      build: (db) => createFinancialSubgraph({ db }),
    });
  },
  { logger },
);
