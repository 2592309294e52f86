import { readConfig, readDatabaseUrl, readServiceConfig, type Env, type ServiceConfig } from '@agora/config';

export interface FinancialConfig {
  service: ServiceConfig;
  databaseUrl: string;
}

export const FINANCIAL_DEFAULT_PORT = 4004;

/** Reads and validates the financial service's settings (see its README). */
export function loadFinancialConfig(env: Env): FinancialConfig {
  return readConfig('financial', env, (r) => ({
    service: readServiceConfig(r, FINANCIAL_DEFAULT_PORT),
    databaseUrl: readDatabaseUrl(r, 'postgres://postgres@127.0.0.1:5432/agora_financial'),
  }));
}
