import {
  readConfig,
  readDatabaseUrl,
  readServiceConfig,
  type Env,
  type EnvReader,
  type ServiceConfig,
} from '@agora/config';

export interface CheckoutSettings {
  /** How long an order may sit PENDING before the recovery loop finishes or undoes it. */
  recoveryDeadlineMs: number;
  /** How often the recovery loop looks. */
  recoveryIntervalMs: number;
  /** How long a duplicate checkout request waits for the one already running. */
  duplicateWaitMs: number;
  limits: CheckoutLimits;
}

/** Checkouts allowed per minute; a retry with the same key counts too. */
export interface CheckoutLimits {
  perUser: number;
  /** Per client address (offices and phone networks share addresses). */
  perAddress: number;
}

export interface OrdersConfig {
  service: ServiceConfig;
  databaseUrl: string;
  /** The GraphQL endpoints of the subgraphs orders calls. */
  inventoryUrl: string;
  financialUrl: string;
  usersUrl: string;
  /** Deadline of one call to another service. */
  serviceTimeoutMs: number;
  checkout: CheckoutSettings;
}

export const ORDERS_DEFAULT_PORT = 4003;

function readPeerUrl(r: EnvReader, name: string, example: string): string {
  return r.url(name, ['http:', 'https:'], r.required(name, `the ${example}`)) ?? '';
}

/** Reads and validates the orders service's settings (see its README). */
export function loadOrdersConfig(env: Env): OrdersConfig {
  return readConfig('orders', env, (r) => ({
    service: readServiceConfig(r, ORDERS_DEFAULT_PORT),
    databaseUrl: readDatabaseUrl(r, 'postgres://postgres@127.0.0.1:5432/agora_orders'),
    inventoryUrl: readPeerUrl(r, 'INVENTORY_URL', "inventory subgraph's endpoint, e.g. http://inventory:4002/graphql"),
    financialUrl: readPeerUrl(r, 'FINANCIAL_URL', "financial subgraph's endpoint, e.g. http://financial:4004/graphql"),
    usersUrl: readPeerUrl(r, 'USERS_URL', "users subgraph's endpoint, e.g. http://users:4001/graphql"),
    serviceTimeoutMs: r.int('SERVICE_TIMEOUT_MS', { default: 2000, min: 50, max: 60_000 }),
    checkout: readCheckoutSettings(r),
  }));
}

/** The checkout settings, read the same way here and in the all-in-one launcher. */
export function readCheckoutSettings(r: EnvReader): CheckoutSettings {
  return {
    recoveryDeadlineMs: r.int('CHECKOUT_RECOVERY_DEADLINE_MS', { default: 30_000, min: 100 }),
    recoveryIntervalMs: r.int('CHECKOUT_RECOVERY_INTERVAL_MS', { default: 10_000, min: 50 }),
    duplicateWaitMs: r.int('CHECKOUT_DUPLICATE_WAIT_MS', { default: 10_000, min: 0 }),
    limits: {
      perUser: r.int('CHECKOUT_LIMIT_PER_USER', { default: 10, min: 1 }),
      perAddress: r.int('CHECKOUT_LIMIT_PER_ADDRESS', { default: 300, min: 1 }),
    },
  };
}
