// How the orders service makes itself from its environment, as a long-lived process
// (index.ts) and as a function (function.ts) alike.
import { createAdapters } from '@agora/adapters';
import type { Env } from '@agora/config';
import { createServiceClient, requireRedisUrl, type Logger, type SubgraphDeployment } from '@agora/service';
import type { OrdersContext } from './context.js';
import { createOrdersSubgraph, loadOrdersConfig } from './subgraph.js';

/** Reads the settings, opens Redis and the peers' clients, and says how to build the subgraph. */
export function ordersDeployment(env: Env, logger: Logger): SubgraphDeployment<OrdersContext> {
  const config = loadOrdersConfig(env);
  const redisUrl = requireRedisUrl(config.service, 'orders', 'checkout limits are shared by every instance');
  const adapters = createAdapters({ redisUrl, prefix: config.service.redisPrefix });
  const peer = (service: string, url: string) =>
    createServiceClient({
      service,
      url,
      gatewaySecret: config.service.gatewaySecret,
      timeoutMs: config.serviceTimeoutMs,
    });
  const peers = {
    inventory: peer('inventory', config.inventoryUrl),
    financial: peer('financial', config.financialUrl),
    users: peer('users', config.usersUrl),
  };
  return {
    service: config.service,
    databaseUrl: config.databaseUrl,
    build: (db, metrics) =>
      createOrdersSubgraph({
        metrics,
        db,
        ...peers,
        rateLimiter: adapters.rateLimiter,
        checkout: config.checkout,
        logger,
      }),
    close: async () => {
      await Promise.all(Object.values(peers).map((client) => client.close()));
      await adapters.close();
    },
  };
}
