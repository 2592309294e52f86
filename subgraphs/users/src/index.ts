// The users service as its own process (distributed mode): env → config → deps → listen → signals.
import { createAdapters } from '@agora/adapters';
import { createLogger, requireRedisUrl, runService, startSubgraphService } from '@agora/service';
import { USERS_MIGRATIONS_DIR, createUsersSubgraph, loadUsersConfig } from './subgraph.js';

const logger = createLogger({ service: 'users', format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text' });

await runService(
  'users',
  async () => {
    const config = loadUsersConfig(process.env);
    const redisUrl = requireRedisUrl(config.service, 'users', 'the gateway reads revoked sessions from it');
    const adapters = createAdapters({ redisUrl, prefix: config.service.redisPrefix });
    const service = await startSubgraphService({
      name: 'users',
      databaseUrl: config.databaseUrl,
      migrationsDir: USERS_MIGRATIONS_DIR,
      serve: { ...config.service, logger },
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
    });
    return {
      async stop() {
        await service.stop();
        await adapters.close();
      },
    };
  },
  { logger },
);
