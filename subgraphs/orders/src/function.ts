// The orders service as serverless functions (Cloud Functions, Lambda): the subgraph index.ts
// serves, set up by an instance's first invocation and reused while it stays warm.
import type { Env } from '@agora/config';
import { createFunctionLogger, createSubgraphFunction, type Logger, type SubgraphFunction } from '@agora/service';
import { ordersDeployment } from './deployment.js';
import { ORDERS_MIGRATIONS_DIR } from './subgraph.js';

export function createOrdersFunction(env: Env, logger: Logger = createFunctionLogger('orders', env)): SubgraphFunction {
  return createSubgraphFunction({
    name: 'orders',
    migrationsDir: ORDERS_MIGRATIONS_DIR,
    env,
    logger,
    setUp: () => ordersDeployment(env, logger),
  });
}

/** The entry points: `gcf` (Cloud Functions), `lambda` (Lambda), `tick` (on a schedule: checkout recovery). */
export const { gcf, lambda, tick } = createOrdersFunction(process.env);
