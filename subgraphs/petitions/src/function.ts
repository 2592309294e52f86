// The petitions service as serverless functions (Cloud Functions, Lambda): the subgraph
// index.ts serves, set up by an instance's first invocation and reused while it stays warm.
import type { Env } from '@agora/config';
import { createFunctionLogger, createSubgraphFunction, type Logger, type SubgraphFunction } from '@agora/service';
import { petitionsDeployment } from './deployment.js';
import { PETITIONS_MIGRATIONS_DIR } from './subgraph.js';

export function createPetitionsFunction(
  env: Env,
  logger: Logger = createFunctionLogger('petitions', env),
): SubgraphFunction {
  return createSubgraphFunction({
    name: 'petitions',
    migrationsDir: PETITIONS_MIGRATIONS_DIR,
    env,
    logger,
    setUp: () => petitionsDeployment(env, logger),
  });
}

/** The entry points: `gcf` (Cloud Functions), `lambda` (Lambda), `tick` (on a schedule: the open list checked). */
export const { gcf, lambda, tick } = createPetitionsFunction(process.env);
