// How the inventory service makes itself from its environment, as a long-lived process
// (index.ts) and as a function (function.ts) alike.
import type { Env } from '@agora/config';
import type { SubgraphDeployment } from '@agora/service';
import type { InventoryContext } from './context.js';
import { createInventorySubgraph, loadInventoryConfig } from './subgraph.js';

/** Reads the settings and says how to build the subgraph. */
export function inventoryDeployment(env: Env): SubgraphDeployment<InventoryContext> {
  const config = loadInventoryConfig(env);
  return {
    service: config.service,
    databaseUrl: config.databaseUrl,
    build: (db) => createInventorySubgraph({ db }),
  };
}
