// The inventory service as serverless functions (Cloud Functions, Lambda): the subgraph
// index.ts serves, set up by an instance's first invocation and reused while it stays warm.
import type { Env } from '@agora/config';
import { createFunctionLogger, createSubgraphFunction, type Logger, type SubgraphFunction } from '@agora/service';
import { inventoryDeployment } from './deployment.js';
import { INVENTORY_MIGRATIONS_DIR } from './subgraph.js';

export function createInventoryFunction(
  env: Env,
  logger: Logger = createFunctionLogger('inventory', env),
): SubgraphFunction {
  return createSubgraphFunction({
    name: 'inventory',
    migrationsDir: INVENTORY_MIGRATIONS_DIR,
    env,
    logger,
    setUp: () => inventoryDeployment(env),
  });
}

/** The entry points: `gcf` (Cloud Functions), `lambda` (Lambda). No `tick`: nothing runs in the background. */
export const { gcf, lambda } = createInventoryFunction(process.env);
