// The gateway as its own process (distributed mode): env → config → deps → listen → signals.
import { readFile } from 'node:fs/promises';
import { createAdapters } from '@agora/adapters';
import { SUBGRAPHS, SUPERGRAPH_PATH } from '@agora/schema';
import { createLogger, requireRedisUrl, runService } from '@agora/service';
import { loadGatewayConfig, serveGateway } from './gateway.js';

const logger = createLogger({ service: 'gateway', format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text' });

await runService(
  'gateway',
  async () => {
    const config = loadGatewayConfig(
      process.env,
      SUBGRAPHS.map((subgraph) => subgraph.name),
    );
    const redisUrl = requireRedisUrl(config.service, 'the gateway', 'revoked sessions are read from it');
    const adapters = createAdapters({ redisUrl, prefix: config.service.redisPrefix });
    const server = await serveGateway(
      {
        supergraphSdl: await readFile(SUPERGRAPH_PATH, 'utf8'),
        subgraphUrls: config.subgraphUrls,
        gatewaySecret: config.service.gatewaySecret,
        tokens: config.tokens,
        revocations: adapters.kv,
        pubsub: adapters.pubsub,
        coalesceMs: config.coalesceMs,
        queryLimits: config.queryLimits,
        connectionLimits: config.connectionLimits,
        production: config.service.production,
        subgraphTimeoutMs: config.subgraphTimeoutMs,
        subgraphMaxConnections: config.subgraphMaxConnections,
        responseCacheEntries: config.responseCacheEntries,
        responseCacheBytes: config.responseCacheBytes,
        documentCacheBytes: config.documentCacheBytes,
        queryPlanCacheBytes: config.queryPlanCacheBytes,
        persistedQueryCacheBytes: config.persistedQueryCacheBytes,
        persistedOperationsFile: config.persistedOperationsFile,
        maxBodyBytes: config.maxBodyBytes,
        corsOrigins: config.corsOrigins,
        trustedProxyHops: config.trustedProxyHops,
        metricsPort: config.metricsPort,
        metricsOperationNames: config.metricsOperationNames,
        logger,
      },
      config.service,
    );
    return {
      async stop() {
        await server.stop();
        await adapters.close();
      },
    };
  },
  { logger },
);
