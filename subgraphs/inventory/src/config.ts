import { readConfig, readDatabaseUrl, readServiceConfig, type Env, type ServiceConfig } from '@agora/config';

export interface InventoryConfig {
  service: ServiceConfig;
  databaseUrl: string;
}

export const INVENTORY_DEFAULT_PORT = 4002;

/** Reads and validates the inventory service's settings (see its README). */
export function loadInventoryConfig(env: Env): InventoryConfig {
  return readConfig('inventory', env, (r) => ({
    service: readServiceConfig(r, INVENTORY_DEFAULT_PORT),
    databaseUrl: readDatabaseUrl(r, 'postgres://postgres@127.0.0.1:5432/agora_inventory'),
  }));
}
