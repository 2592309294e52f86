// The orders service as serverless functions (Cloud Functions, Lambda): the subgraph index.ts
// serves, set up by an instance's first invocation and reused while it stays warm.
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
import { ORDERS_MIGRATIONS_DIR, createOrdersSubgraph, loadOrdersConfig } from './subgraph.js';

export function createOrdersFunction(env: Env, logger: Logger = createFunctionLogger('orders', env)): SubgraphFunction {
  return createSubgraphFunction({
    name: 'orders',
    migrationsDir: ORDERS_MIGRATIONS_DIR,
    env,
    logger,
    setUp() {
      const config = loadOrdersConfig(env);
      const clientFor = (service: string, url: string) =>
        createServiceClient({
          service,
          url,
          gatewaySecret: config.service.gatewaySecret,
          timeoutMs: config.serviceTimeoutMs,
        });
      const redisUrl = requireRedisUrl(config.service, 'orders', 'checkout limits are shared by every instance');
      const adapters = createAdapters({ redisUrl, prefix: config.service.redisPrefix });
      return {
        service: config.service,
        databaseUrl: config.databaseUrl,
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
        close: () => adapters.close(),
      };
    },
  });
}

/** The entry points: `gcf` (Cloud Functions), `lambda` (Lambda), `tick` (on a schedule: checkout recovery). */
export const { gcf, lambda, tick } = createOrdersFunction(process.env);
