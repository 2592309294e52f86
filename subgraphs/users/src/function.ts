// The users service as serverless functions (Cloud Functions, Lambda): the subgraph index.ts
// serves, set up by an instance's first invocation and reused while it stays warm.
import { createAdapters } from '@agora/adapters';
import type { Env } from '@agora/config';
import {
  createFunctionLogger,
  createSubgraphFunction,
  requireRedisUrl,
  type Logger,
  type SubgraphFunction,
} from '@agora/service';
import { USERS_MIGRATIONS_DIR, createUsersSubgraph, loadUsersConfig } from './subgraph.js';

export function createUsersFunction(env: Env, logger: Logger = createFunctionLogger('users', env)): SubgraphFunction {
  return createSubgraphFunction({
    name: 'users',
    migrationsDir: USERS_MIGRATIONS_DIR,
    env,
    logger,
    setUp() {
      const config = loadUsersConfig(env);
      const redisUrl = requireRedisUrl(config.service, 'users', 'the gateway reads revoked sessions from it');
      const adapters = createAdapters({ redisUrl, prefix: config.service.redisPrefix });
      return {
        service: config.service,
        databaseUrl: config.databaseUrl,
        build: (db) =>
          createUsersSubgraph({
            db,
            kv: adapters.kv,
            rateLimiter: adapters.rateLimiter,
            attemptLimits: config.attemptLimits,
            tokens: config.tokens,
            passwordHashing: config.passwordHashing,
            logger,
            revocationRepublishIntervalMs: config.revocationRepublishIntervalMs,
          }),
        close: () => adapters.close(),
      };
    },
  });
}

/** The entry points: `gcf` (Cloud Functions), `lambda` (Lambda), `tick` (on a schedule: republishes revoked sessions). */
export const { gcf, lambda, tick } = createUsersFunction(process.env);
