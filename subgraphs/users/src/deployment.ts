// How the users service makes itself from its environment, as a long-lived process
// (index.ts) and as a function (function.ts) alike.
import { createAdapters } from '@agora/adapters';
import type { Env } from '@agora/config';
import { requireRedisUrl, type Logger, type SubgraphDeployment } from '@agora/service';
import type { UsersContext } from './context.js';
import { createUsersSubgraph, loadUsersConfig } from './subgraph.js';

/** Reads the settings, opens Redis and the peers' clients, and says how to build the subgraph. */
export function usersDeployment(env: Env, logger: Logger): SubgraphDeployment<UsersContext> {
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
        pubsub: adapters.pubsub,
        rateLimiter: adapters.rateLimiter,
        attemptLimits: config.attemptLimits,
        tokens: config.tokens,
        passwordHashing: config.passwordHashing,
        logger,
        revocationRepublishIntervalMs: config.revocationRepublishIntervalMs,
      }),
    close: () => adapters.close(),
  };
}
