// The users service as serverless functions (Cloud Functions, Lambda): the subgraph index.ts
// serves, set up by an instance's first invocation and reused while it stays warm.
import type { Env } from '@agora/config';
import { createFunctionLogger, createSubgraphFunction, type Logger, type SubgraphFunction } from '@agora/service';
import { usersDeployment } from './deployment.js';
import { USERS_MIGRATIONS_DIR } from './subgraph.js';

export function createUsersFunction(env: Env, logger: Logger = createFunctionLogger('users', env)): SubgraphFunction {
  return createSubgraphFunction({
    name: 'users',
    migrationsDir: USERS_MIGRATIONS_DIR,
    env,
    logger,
    setUp: () => usersDeployment(env, logger),
  });
}

/** The entry points: `gcf` (Cloud Functions), `lambda` (Lambda), `tick` (on a schedule: republishes revoked sessions). */
export const { gcf, lambda, tick } = createUsersFunction(process.env);
