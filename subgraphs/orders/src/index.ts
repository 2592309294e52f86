// The orders service as its own process (distributed mode): env → config → deps → listen → signals.
import { createAdapters } from '@agora/adapters';
import { createLogger, createServiceClient, requireRedisUrl, runService, startSubgraphService } from '@agora/service';
import { ORDERS_MIGRATIONS_DIR, createOrdersSubgraph, loadOrdersConfig } from './subgraph.js';

const logger = createLogger({ service: 'orders', format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text' });

await runService(
  'orders',
  async () => {
    const config = loadOrdersConfig(process.env);
    const clientFor = (service: string, url: string) =>
      createServiceClient({
        service,
        url,
        gatewaySecret: config.service.gatewaySecret,
        timeoutMs: config.serviceTimeoutMs,
      });
    const redisUrl = requireRedisUrl(config.service, 'orders', 'checkout limits are shared by every replica');
    const adapters = createAdapters({ redisUrl, prefix: config.service.redisPrefix });
    const service = await startSubgraphService({
      name: 'orders',
      databaseUrl: config.databaseUrl,
      migrationsDir: ORDERS_MIGRATIONS_DIR,
      serve: { ...config.service, logger },
      build: (db, metrics) =>
        createOrdersSubgraph({
          metrics,
          db,
          inventory: clientFor('inventory', config.inventoryUrl),
          financial: clientFor('financial', config.financialUrl),
          users: clientFor('users', config.usersUrl),
          rateLimiter: adapters.rateLimiter,
          checkout: config.checkout,
          logger,
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
