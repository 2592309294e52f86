// The signatures service as serverless functions (Cloud Functions, Lambda): the subgraph
// index.ts serves, set up by an instance's first invocation and reused while it stays warm.
import type { Env } from '@agora/config';
import { createFunctionLogger, createSubgraphFunction, type Logger, type SubgraphFunction } from '@agora/service';
import { signaturesDeployment } from './deployment.js';
import { SIGNATURES_MIGRATIONS_DIR } from './subgraph.js';

export function createSignaturesFunction(
  env: Env,
  logger: Logger = createFunctionLogger('signatures', env),
): SubgraphFunction {
  return createSubgraphFunction({
    name: 'signatures',
    migrationsDir: SIGNATURES_MIGRATIONS_DIR,
    env,
    logger,
    setUp: () => signaturesDeployment(env, logger, { hearsEvents: false }),
  });
}

/**
 * The entry points: `gcf` (Cloud Functions), `lambda` (Lambda), `tick` (on a schedule: reads
 * the petitions log for launches and closes, and reconciles counts).
 */
export const { gcf, lambda, tick } = createSignaturesFunction(process.env);
