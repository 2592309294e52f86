import { fileURLToPath } from 'node:url';
import type { Db } from '@agora/db';
import { buildSchemaFromFile, type ServiceClient, type SubgraphDefinition } from '@agora/service';
import { createInventoryClient, createProductInfoLoader } from './clients/inventoryClient.js';
import type { OrdersContext } from './context.js';
import { createCart } from './domain/cart.js';
import { resolvers } from './resolvers/index.js';
import { createCartStore } from './store/cartStore.js';
import { createOrderLoaders } from './store/loaders.js';
import { createOrderStore } from './store/orderStore.js';

export { ORDERS_DEFAULT_PORT, loadOrdersConfig, type OrdersConfig } from './config.js';

export const ORDERS_SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export const ORDERS_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface OrdersDeps {
  db: Db;
  /** Calls the inventory subgraph. */
  inventory: ServiceClient;
}

/** Builds the orders subgraph: carts and orders. No I/O until it serves. */
export function createOrdersSubgraph(deps: OrdersDeps): SubgraphDefinition<OrdersContext> {
  const carts = createCartStore(deps.db);
  const orders = createOrderStore(deps.db);
  const inventory = createInventoryClient(deps.inventory);
  return {
    name: 'orders',
    schema: buildSchemaFromFile(ORDERS_SCHEMA_PATH, resolvers),
    createContext: (viewer) => {
      const productInfoById = createProductInfoLoader(inventory);
      return {
        viewer,
        orders,
        loaders: { ...createOrderLoaders(carts, orders), productInfoById },
        cart: createCart({ carts, findProduct: (id) => productInfoById.load(id) }),
      };
    },
    checkReadiness: async () => {
      await deps.db.query('SELECT 1');
    },
  };
}
