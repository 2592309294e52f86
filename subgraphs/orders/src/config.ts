import { readConfig, readDatabaseUrl, readServiceConfig, type Env, type ServiceConfig } from '@agora/config';

export interface OrdersConfig {
  service: ServiceConfig;
  databaseUrl: string;
  /** The inventory subgraph's GraphQL endpoint. */
  inventoryUrl: string;
  /** Deadline of one call to another service. */
  serviceTimeoutMs: number;
}

export const ORDERS_DEFAULT_PORT = 4003;

/** Reads and validates the orders service's settings (see its README). */
export function loadOrdersConfig(env: Env): OrdersConfig {
  return readConfig('orders', env, (r) => ({
    service: readServiceConfig(r, ORDERS_DEFAULT_PORT),
    databaseUrl: readDatabaseUrl(r, 'postgres://postgres@127.0.0.1:5432/agora_orders'),
    inventoryUrl:
      r.url(
        'INVENTORY_URL',
        ['http:', 'https:'],
        r.required('INVENTORY_URL', "the inventory subgraph's endpoint, e.g. http://inventory:4002/graphql"),
      ) ?? '',
    serviceTimeoutMs: r.int('SERVICE_TIMEOUT_MS', { default: 2000, min: 50, max: 60_000 }),
  }));
}
