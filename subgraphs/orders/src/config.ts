import {
  readConfig,
  readDatabaseUrl,
  readServiceConfig,
  type Env,
  type EnvReader,
  type ServiceConfig,
} from '@agora/config';

export interface CheckoutSettings {
  /**
   * How long one checkout keeps trying the reservation and the charge through an outage
   * before it answers "ask again with the same key" and leaves the order to recovery.
   */
  deadlineMs: number;
  /** How the reservation and the charge are tried again inside `deadlineMs`. */
  retry: CheckoutRetry;
  /** How long an order may sit PENDING before the recovery loop finishes or undoes it (more than `deadlineMs`). */
  recoveryDeadlineMs: number;
  /** How often the recovery loop looks. */
  recoveryIntervalMs: number;
  /** Orders one recovery claim takes; a look claims batch after batch until the backlog is gone. */
  recoveryBatchSize: number;
  /** Orders recovery settles at once. */
  recoveryConcurrency: number;
  /** How long a duplicate checkout request waits for the one already running. */
  duplicateWaitMs: number;
  limits: CheckoutLimits;
}

/**
 * Backoff between attempts of a call that failed retryably (no answer, a reset, a timeout,
 * SERVICE_UNAVAILABLE): a random wait up to `initialBackoffMs`, doubling per attempt up to
 * `maxBackoffMs` (full jitter, so checkouts interrupted together do not return together).
 */
export interface CheckoutRetry {
  initialBackoffMs: number;
  maxBackoffMs: number;
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
  const settings: CheckoutSettings = {
    deadlineMs: r.int('CHECKOUT_DEADLINE_MS', { default: 8_000, min: 0 }),
    retry: {
      initialBackoffMs: r.int('CHECKOUT_RETRY_BACKOFF_MS', { default: 100, min: 1 }),
      maxBackoffMs: r.int('CHECKOUT_RETRY_MAX_BACKOFF_MS', { default: 1_000, min: 1 }),
    },
    recoveryDeadlineMs: r.int('CHECKOUT_RECOVERY_DEADLINE_MS', { default: 30_000, min: 100 }),
    recoveryIntervalMs: r.int('CHECKOUT_RECOVERY_INTERVAL_MS', { default: 10_000, min: 50 }),
    recoveryBatchSize: r.int('CHECKOUT_RECOVERY_BATCH_SIZE', { default: 100, min: 1, max: 10_000 }),
    recoveryConcurrency: r.int('CHECKOUT_RECOVERY_CONCURRENCY', { default: 8, min: 1, max: 256 }),
    duplicateWaitMs: r.int('CHECKOUT_DUPLICATE_WAIT_MS', { default: 10_000, min: 0 }),
    limits: {
      perUser: r.int('CHECKOUT_LIMIT_PER_USER', { default: 10, min: 1 }),
      perAddress: r.int('CHECKOUT_LIMIT_PER_ADDRESS', { default: 300, min: 1 }),
    },
  };
  // Recovery must not take an order whose checkout may still be trying it.
  if (settings.recoveryDeadlineMs <= settings.deadlineMs) {
    r.problem(
      `CHECKOUT_RECOVERY_DEADLINE_MS (${settings.recoveryDeadlineMs}) must be more than CHECKOUT_DEADLINE_MS (${settings.deadlineMs})`,
    );
  }
  if (settings.retry.maxBackoffMs < settings.retry.initialBackoffMs) {
    r.problem(
      `CHECKOUT_RETRY_MAX_BACKOFF_MS (${settings.retry.maxBackoffMs}) must be at least CHECKOUT_RETRY_BACKOFF_MS (${settings.retry.initialBackoffMs})`,
    );
  }
  return settings;
}
