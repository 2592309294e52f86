// The financial service as serverless functions (Cloud Functions, Lambda): the subgraph
// index.ts serves, set up by an instance's first invocation and reused while it stays warm.
import type { Env } from '@agora/config';
import { createFunctionLogger, createSubgraphFunction, type Logger, type SubgraphFunction } from '@agora/service';
import { financialDeployment } from './deployment.js';
import { FINANCIAL_MIGRATIONS_DIR } from './subgraph.js';

export function createFinancialFunction(
  env: Env,
  logger: Logger = createFunctionLogger('financial', env),
): SubgraphFunction {
  return createSubgraphFunction({
    name: 'financial',
    migrationsDir: FINANCIAL_MIGRATIONS_DIR,
    env,
    logger,
    setUp: () => financialDeployment(env),
  });
}

/** The entry points: `gcf` (Cloud Functions), `lambda` (Lambda). No `tick`: nothing runs in the background. */
export const { gcf, lambda } = createFinancialFunction(process.env);
