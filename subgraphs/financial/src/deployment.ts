// How the financial service makes itself from its environment, as a long-lived process
// (index.ts) and as a function (function.ts) alike.
import type { Env } from '@agora/config';
import type { SubgraphDeployment } from '@agora/service';
import type { FinancialContext } from './context.js';
import { createFinancialSubgraph, loadFinancialConfig } from './subgraph.js';

/** Reads the settings and says how to build the subgraph. */
export function financialDeployment(env: Env): SubgraphDeployment<FinancialContext> {
  const config = loadFinancialConfig(env);
  return {
    service: config.service,
    databaseUrl: config.databaseUrl,
    build: (db) => createFinancialSubgraph({ db }),
  };
}
