import { fileURLToPath } from 'node:url';
import { Counter } from 'prom-client';
import type { RateLimiter } from '@agora/adapters';
import type { Db } from '@agora/db';
import {
  buildSchemaFromFile,
  type Logger,
  type ServiceClient,
  type SubgraphDefinition,
  type ServiceMetrics,
} from '@agora/service';
import { createFinancialClient } from './clients/financialClient.js';
import { createInventoryClient, createProductInfoLoader } from './clients/inventoryClient.js';
import { createUsersClient } from './clients/usersClient.js';
import type { CheckoutSettings } from './config.js';
import type { OrdersContext } from './context.js';
import { createCancellation } from './domain/cancellation.js';
import { createCart } from './domain/cart.js';
import { createCheckout } from './domain/checkout.js';
import { createOrderSettlement } from './domain/orderSettlement.js';
import { createCheckoutRecovery } from './domain/recovery.js';
import { resolvers } from './resolvers/index.js';
import { createCartStore } from './store/cartStore.js';
import { createCheckoutStore } from './store/checkoutStore.js';
import { createOrderLoaders } from './store/loaders.js';
import { createOrderStore } from './store/orderStore.js';

export {
  ORDERS_DEFAULT_PORT,
  loadOrdersConfig,
  readCheckoutSettings,
  type CheckoutLimits,
  type CheckoutRetry,
  type CheckoutSettings,
  type OrdersConfig,
} from './config.js';

export const ORDERS_SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export const ORDERS_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface OrdersDeps {
  db: Db;
  /** Each calls that subgraph's own endpoint with the gateway secret. */
  inventory: ServiceClient;
  financial: ServiceClient;
  users: ServiceClient;
  /** Counts checkouts per user and per address, shared by every replica. */
  rateLimiter: RateLimiter;
  checkout: CheckoutSettings;
  logger: Logger;
  /** The service's metrics; checkout adds its outcomes. */
  metrics: ServiceMetrics;
}

/** Builds the orders subgraph: carts, orders and the checkout saga. Starts its recovery loop when served. */
export function createOrdersSubgraph(deps: OrdersDeps): SubgraphDefinition<OrdersContext> {
  const carts = createCartStore(deps.db);
  const orders = createOrderStore(deps.db);
  const checkoutStore = createCheckoutStore(deps.db);
  const inventory = createInventoryClient(deps.inventory);
  const financial = createFinancialClient(deps.financial);
  const settlement = createOrderSettlement({ store: checkoutStore, inventory, financial, logger: deps.logger });
  const checkout = createCheckout({
    carts,
    store: checkoutStore,
    settlement,
    inventory,
    financial,
    users: createUsersClient(deps.users),
    logger: deps.logger,
    duplicateWaitMs: deps.checkout.duplicateWaitMs,
    deadlineMs: deps.checkout.deadlineMs,
    retry: deps.checkout.retry,
    limiter: deps.rateLimiter,
    limits: deps.checkout.limits,
  });
  const cancellation = createCancellation({ store: checkoutStore, settlement });
  const recovery = createCheckoutRecovery({
    store: checkoutStore,
    settlement,
    financial,
    logger: deps.logger,
    deadlineMs: deps.checkout.recoveryDeadlineMs,
    intervalMs: deps.checkout.recoveryIntervalMs,
    batchSize: deps.checkout.recoveryBatchSize,
    concurrency: deps.checkout.recoveryConcurrency,
  });
  const checkoutOutcomes = new Counter({
    name: 'agora_checkout_outcomes_total',
    help: 'Checkouts answered, by outcome (order, cartEmpty, insufficientStock, paymentDeclined, …).',
    labelNames: ['outcome'],
    registers: [deps.metrics.registry],
  });
  return {
    name: 'orders',
    schema: buildSchemaFromFile(ORDERS_SCHEMA_PATH, resolvers),
    createContext: (viewer, { clientAddress, deadline }) => {
      const productInfoById = createProductInfoLoader(inventory, deadline);
      return {
        viewer,
        clientAddress,
        deadline,
        orders,
        checkout,
        checkoutOutcomes,
        cancellation,
        loaders: { ...createOrderLoaders(carts, orders), productInfoById },
        cart: createCart({ carts, findProduct: (id) => productInfoById.load(id) }),
      };
    },
    checkReadiness: () => deps.db.ping(),
    start: () => recovery.start(),
    stop: () => recovery.stop(),
    tick: () => recovery.recoverOnce(),
  };
}
