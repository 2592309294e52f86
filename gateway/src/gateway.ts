import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { KeyValueStore, PubSub } from '@agora/adapters';
import { buildApiSchema } from '@agora/schema';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, maskError } from '@agora/errors';
import {
  createDocumentStore,
  serveGraphQL,
  serveMetrics,
  type EdgeResponse,
  type Logger,
  type RunningServer,
} from '@agora/service';
import type { GatewayTuning } from './config.js';
import { createConnectionGuard, type ConnectionLimits, type ConnectionRefusal } from './connectionLimits.js';
import { clientAddressOf, connectionOf, type GatewayContext } from './context.js';
import { createIdentityResolver } from './identity.js';
import { createPersistedQueryCache, createQueryPlanCache } from './operationCaches.js';
import {
  createListedOperationsCache,
  loadPersistedOperations,
  refuseUnlistedOperations,
} from './persistedOperations.js';
import {
  operationResolutionPlugin,
  privateWhenSignedInPlugin,
  rateLimitStatusPlugin,
  subscriptionsOverHttpPlugin,
} from './plugins.js';
import { createResponseCache } from './responseCache.js';
import { queryCostPlugin, queryShapeRules, type QueryLimits } from './queryLimits.js';
import { createGatewayMetrics } from './gatewayMetrics.js';
import { createCountHub } from './subscriptions/countHub.js';
import type { RunQuery } from './subscriptions/countSubscription.js';
import { attachWebSockets } from './subscriptions/websocketServer.js';
import { SubgraphDataSource } from './subgraphDataSource.js';
import { withoutSuggestions } from './suggestions.js';
import { createTokenVerifier, type TokenSettings } from './tokens.js';

export {
  defaultGatewayTuning,
  loadGatewayConfig,
  readClientSettings,
  readGatewayTuning,
  readMetricsPort,
  readOperationNames,
  GATEWAY_DEFAULT_METRICS_PORT,
  GATEWAY_DEFAULT_PORT,
  type ClientSettings,
  type GatewayConfig,
  type GatewayTuning,
} from './config.js';
export { defaultQueryLimits, readQueryLimits, type QueryLimits } from './queryLimits.js';
export { readConnectionLimits, type ConnectionLimits } from './connectionLimits.js';
export type { TokenSettings } from './tokens.js';

export interface GatewayDeps extends GatewayTuning {
  supergraphSdl: string;
  /** Where each subgraph answers, by name; a subgraph not named uses the supergraph's URL. */
  subgraphUrls: Readonly<Record<string, string>>;
  gatewaySecret: string;
  tokens: TokenSettings;
  /** Where `users` marks revoked sessions. */
  revocations: KeyValueStore;
  /** Where `signatures` announces new counts, for subscriptions. */
  pubsub: PubSub;
  /** Counts for one petition are pushed to its watchers at most this often. */
  coalesceMs: number;
  queryLimits: QueryLimits;
  /** Connections and subscriptions per client address on the public port, and HTTP deadlines. */
  connectionLimits: ConnectionLimits;
  production: boolean;
  /** Deadline of one subgraph call. */
  subgraphTimeoutMs: number;
  /** Largest request body accepted. */
  maxBodyBytes: number;
  /** Origins allowed to call from a browser ('*' for any: tokens travel in a header, not cookies). */
  corsOrigins: readonly string[];
  /** Proxies we run in front of the gateway, whose X-Forwarded-For entries are trusted (0: none). */
  trustedProxyHops: number;
  /** Where Prometheus scrapes `/metrics` (0: any free port; null: not served). */
  metricsPort: number | null;
  /** Operation names the metrics count by name (METRICS_OPERATION_NAMES); the rest are `other`. */
  metricsOperationNames: readonly string[];
  logger: Logger;
}

export interface ListenOptions {
  port: number;
  host: string;
  /** On stop, how long to keep serving with readiness failing (see ServiceConfig). */
  shutdownDelayMs?: number;
}

/**
 * The public door: the federation gateway on `/graphql` (Apollo Sandbox there in
 * development), health endpoints for probes. It verifies the caller and speaks to the
 * subgraphs with the gateway secret.
 */
export async function serveGateway(deps: GatewayDeps, listenOptions: ListenOptions): Promise<RunningServer> {
  // No usage data leaves the deployment unless an operator asks for it explicitly.
  process.env['APOLLO_TELEMETRY_DISABLED'] ??= '1';
  const hub = createCountHub({ pubsub: deps.pubsub, logger: deps.logger, coalesceMs: deps.coalesceMs });
  const metrics = createGatewayMetrics(hub);
  const resolveSession = createIdentityResolver(createTokenVerifier(deps.tokens), deps.revocations, deps.logger);
  const listed =
    deps.persistedOperationsFile === null ? null : await loadPersistedOperations(deps.persistedOperationsFile);
  const gateway = new ApolloGateway({
    supergraphSdl: deps.supergraphSdl,
    queryPlannerConfig: { cache: createQueryPlanCache(deps.queryPlanCacheBytes) },
    buildService: ({ name, url }) =>
      new SubgraphDataSource({
        name,
        url: deps.subgraphUrls[name] ?? url ?? '',
        gatewaySecret: deps.gatewaySecret,
        timeoutMs: deps.subgraphTimeoutMs,
        maxConnections: deps.subgraphMaxConnections,
        recordFetch: (subgraph, outcome, seconds) =>
          metrics.subgraphFetchSeconds.observe({ subgraph, outcome }, seconds),
        recordRetry: (subgraph, outcome) => metrics.subgraphFetchRetries.inc({ subgraph, outcome }),
        recordSharedRead: (subgraph) => metrics.subgraphSharedReads.inc({ subgraph }),
      }),
  });
  const apiSchema = buildApiSchema(deps.supergraphSdl);
  const shapeRules = queryShapeRules(deps.queryLimits);
  let apollo: ApolloServer<GatewayContext> | undefined;
  /** An operation run through this gateway, as an HTTP request from `caller` would be. */
  const runQuery: RunQuery = async (document, variables, caller, operationName) => {
    const response = await (apollo as ApolloServer<GatewayContext>).executeOperation(
      { query: document, variables, ...(operationName === undefined ? {} : { operationName }) },
      { contextValue: caller },
    );
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported here');
    const { data, errors } = response.body.singleResult;
    // Apollo hands back errors already formatted (plain objects); graphql-ws serialises
    // GraphQLError instances, so they are rebuilt as such with the same message, path and code.
    return {
      ...(data === undefined ? {} : { data }),
      ...(errors === undefined
        ? {}
        : {
            errors: errors.map(
              (error) => new GraphQLError(error.message, { path: error.path, extensions: error.extensions }),
            ),
          }),
    } as ExecutionResult;
  };
  const connections = createConnectionGuard(deps.connectionLimits.maxConnectionsPerAddress, deps.trustedProxyHops);
  const responseCache = createResponseCache({
    maxEntries: deps.responseCacheEntries,
    maxBytes: deps.responseCacheBytes,
    maxBodyBytes: 1_000_000,
    record: (outcome) => metrics.responseCacheRequests.inc({ outcome }),
  });
  const server = await serveGraphQL<GatewayContext>({
    name: 'gateway',
    metrics,
    // The gateway's port is public: its metrics are served on a port of their own.
    metricsOnMainPort: false,
    traceTrust: 'public',
    knownOperations: deps.metricsOperationNames,
    createApollo: (plugins) =>
      (apollo = new ApolloServer<GatewayContext>({
        gateway,
        introspection: !deps.production,
        // No "Did you mean …?" in production: suggestions reveal the schema piece by piece.
        // Apollo drops them from validation errors; formatError from the rest (variables).
        hideSchemaDetailsFromClientErrors: deps.production,
        includeStacktraceInErrorResponses: false,
        csrfPrevention: true,
        allowBatchedHttpRequests: false,
        // Automatic persisted queries, so reads can be short GETs that caches key by URL. A
        // query is kept only once it passed validation (every limit), in a cache bounded by
        // the bytes it holds: filling it only evicts. With an allow-list, the list is the cache.
        persistedQueries: {
          ttl: 3_600,
          cache:
            listed === null
              ? createPersistedQueryCache(deps.persistedQueryCacheBytes)
              : createListedOperationsCache(listed),
        },
        documentStore: createDocumentStore(deps.documentCacheBytes),
        parseOptions: { maxTokens: deps.queryLimits.maxTokens },
        validationRules: shapeRules,
        // runService owns shutdown: drain, then close pools, in that order.
        stopOnTerminationSignals: false,
        formatError: (formatted, error) =>
          maskError(
            withRequestErrorCode(
              deps.production ? { ...formatted, message: withoutSuggestions(formatted.message) } : formatted,
              error,
            ),
            { production: deps.production },
          ),
        plugins: [
          ...plugins,
          deps.production
            ? ApolloServerPluginLandingPageDisabled()
            : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
          privateWhenSignedInPlugin(),
          operationResolutionPlugin(),
          subscriptionsOverHttpPlugin(),
          rateLimitStatusPlugin(),
          queryCostPlugin(deps.queryLimits.maxCost),
        ],
      })),
    attach: (httpServer) => {
      connections.watch(httpServer);
      return attachWebSockets(httpServer, {
        apiSchema,
        hub,
        runQuery,
        resolveSession,
        pubsub: deps.pubsub,
        logger: deps.logger,
        clientAddressOf: (request) => clientAddressOf(connectionOf(request), deps.trustedProxyHops),
        production: deps.production,
        maxTokens: deps.queryLimits.maxTokens,
        shapeRules,
        maxMessageBytes: deps.maxBodyBytes,
        maxOperationsPerConnection: deps.queryLimits.maxOperationsPerConnection,
        persistedOperations: listed,
        maxOperationsPerAddress: deps.connectionLimits.maxOperationsPerAddress,
        admitConnection: (request) => connections.admitUpgrade(request),
      });
    },
    cors: { origins: deps.corsOrigins },
    admitRequest: (req, res) => {
      const refusal = connections.admitRequest(req, res);
      return refusal === null ? undefined : edgeResponseOf(refusal);
    },
    // A kept answer: nothing runs for it (no request id, no span).
    answerEarly: (request) => responseCache.hit(request),
    refuseBody: listed === null ? undefined : refuseUnlistedOperations(listed),
    aroundExecution: (request, execute) => responseCache.through(request, execute),
    context: async (request) => ({
      identity: (await resolveSession(request.headers.authorization))?.identity ?? null,
      clientAddress: clientAddressOf(request, deps.trustedProxyHops),
    }),
    checkReadiness: async () => {},
    port: listenOptions.port,
    host: listenOptions.host,
    shutdownDelayMs: listenOptions.shutdownDelayMs,
    logger: deps.logger,
    maxBodyBytes: deps.maxBodyBytes,
    httpTimeouts: deps.connectionLimits.httpTimeouts,
  });
  if (deps.metricsPort === null) return server;
  let metricsServer: Awaited<ReturnType<typeof serveMetrics>>;
  try {
    metricsServer = await serveMetrics(metrics.registry, deps.metricsPort, listenOptions.host);
  } catch (error) {
    await server.stop();
    throw new Error(`gateway cannot serve metrics on port ${deps.metricsPort}: ${(error as Error).message}`);
  }
  deps.logger.info('gateway metrics ready', { url: `http://${listenOptions.host}:${metricsServer.port}/metrics` });
  return {
    ...server,
    metricsPort: metricsServer.port,
    async stop() {
      await server.stop();
      await metricsServer.stop();
    },
  };
}

/** The guard's 429 as the edge sends it (the guard writes the same to an upgrade's socket). */
function edgeResponseOf(refusal: ConnectionRefusal): EdgeResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(refusal.headers)) headers[name.toLowerCase()] = value;
  const closeConnection = headers['connection'] === 'close';
  delete headers['connection'];
  return { status: refusal.status, headers, body: refusal.body, closeConnection };
}

/**
 * Apollo refuses some requests with a 400 and no code of their own (a persisted query whose hash does
 * not match it, an unknown persisted query version): they are the client's mistake, so they
 * say BAD_REQUEST rather than being masked as internal errors.
 */
function withRequestErrorCode(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const status =
    error instanceof GraphQLError ? (error.extensions['http'] as { status?: number } | undefined)?.status : undefined;
  // Apollo labels an error without a code INTERNAL_SERVER_ERROR before it gets here.
  const code = formatted.extensions?.['code'];
  if (status !== 400 || (code !== undefined && code !== ErrorCode.InternalServerError)) return formatted;
  return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BadRequest } };
}
