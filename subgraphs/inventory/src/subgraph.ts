import { fileURLToPath } from 'node:url';
import type { Db } from '@agora/db';
import { buildSchemaFromFile, type SubgraphDefinition } from '@agora/service';
import type { InventoryContext } from './context.js';
import { resolvers } from './resolvers/index.js';
import { createProductLoaders } from './store/loaders.js';
import { createProductStore } from './store/productStore.js';
import { createReservationStore } from './store/reservationStore.js';

export { INVENTORY_DEFAULT_PORT, loadInventoryConfig, type InventoryConfig } from './config.js';
export { DEMO_PRODUCTS } from './store/demoProducts.js';
export { createProductStore, type NewProduct } from './store/productStore.js';

export const INVENTORY_SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export const INVENTORY_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface InventoryDeps {
  db: Db;
}

/** Builds the inventory subgraph: products and their stock. No I/O until it serves. */
export function createInventorySubgraph(deps: InventoryDeps): SubgraphDefinition<InventoryContext> {
  const products = createProductStore(deps.db);
  const reservations = createReservationStore(deps.db);
  return {
    name: 'inventory',
    schema: buildSchemaFromFile(INVENTORY_SCHEMA_PATH, resolvers),
    createContext: (viewer) => ({ viewer, products, reservations, loaders: createProductLoaders(products) }),
    checkReadiness: () => deps.db.ping(),
  };
}
