import { fileURLToPath } from 'node:url';
import type { Db } from '@agora/db';
import { buildSchemaFromFile, type SubgraphDefinition } from '@agora/service';
import type { FinancialContext } from './context.js';
import { createDeposits } from './domain/deposits.js';
import { resolvers } from './resolvers/index.js';
import { createAccountStore } from './store/accountStore.js';
import { createBillingStore } from './store/billingStore.js';
import { createChargeStore } from './store/chargeStore.js';
import { createFinancialLoaders } from './store/loaders.js';

export { FINANCIAL_DEFAULT_PORT, loadFinancialConfig, type FinancialConfig } from './config.js';

export const FINANCIAL_SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));
export const FINANCIAL_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface FinancialDeps {
  db: Db;
}

/** Builds the financial subgraph: accounts, ledger, payments and invoices. No I/O until it serves. */
export function createFinancialSubgraph(deps: FinancialDeps): SubgraphDefinition<FinancialContext> {
  const accounts = createAccountStore(deps.db);
  const billing = createBillingStore(deps.db);
  const deposits = createDeposits(accounts);
  const charges = createChargeStore(deps.db);
  return {
    name: 'financial',
    schema: buildSchemaFromFile(FINANCIAL_SCHEMA_PATH, resolvers),
    createContext: (viewer) => ({
      charges,
      viewer,
      accounts,
      billing,
      deposits,
      loaders: createFinancialLoaders(accounts, billing),
    }),
    checkReadiness: () => deps.db.ping(),
  };
}
