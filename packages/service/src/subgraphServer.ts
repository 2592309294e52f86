import type { IncomingHttpHeaders } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { maskError } from '@agora/errors';
import { createDocumentStore } from './byteBoundedCache.js';
import { answerDatabaseOutage } from './databaseOutage.js';
import { readDeadline } from './deadline.js';
import { refuseWithoutGatewaySecret } from './gatewaySecret.js';
import { serveGraphQL, type RunningServer } from './http/httpServer.js';
import { readClientAddress, readIdentity, type Identity } from './identity.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './telemetry/metrics.js';

/** What a subgraph is, independent of how it is served (built by createXSubgraph). */
export interface SubgraphDefinition<Context extends object> {
  name: string;
  schema: GraphQLSchema;
  /**
   * A fresh context per request: the caller, where they call from, when it must be answered by
   * (`deadline`, epoch ms: calls to other services pass it on), and new DataLoaders.
   */
  createContext(identity: Identity | null, request: { clientAddress: string | null; deadline: number }): Context;
  /** Throws when the subgraph cannot serve (database unreachable, say). */
  checkReadiness(): Promise<void>;
  /** Background work begun before serving (consumers, timers); stopped after the last request. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /**
   * One round of that background work, for hosts that keep no timers between requests
   * (a function runs it on a schedule). Never throws for a failure the next round can fix.
   */
  tick?(): Promise<void>;
}

/** Largest request body a subgraph accepts unless told otherwise. */
export const SUBGRAPH_MAX_BODY_BYTES = 1_000_000;

/**
 * Heap a subgraph's parsed documents may hold. Each document a client sends the gateway
 * becomes one or more here, so their number is the clients' to choose: without a budget in
 * bytes, Apollo's default (30 MiB of JSON) held about 130 MiB of heap per subgraph.
 */
export const SUBGRAPH_DOCUMENT_CACHE_BYTES = 8 * 2 ** 20;

export interface ServeOptions {
  port: number;
  host: string;
  gatewaySecret: string;
  production: boolean;
  logger: Logger;
  /** Largest request body accepted. */
  maxBodyBytes?: number;
  /** How long in-flight requests get to finish on shutdown. */
  stopGracePeriodMs?: number;
  /** On stop, how long to keep serving with readiness failing (SHUTDOWN_DELAY_MS). */
  shutdownDelayMs?: number;
  /** The service's metrics, served at `/metrics` (a fresh set when not given). */
  metrics?: ServiceMetrics;
}

/** Serves a subgraph: `/graphql` behind the gateway secret, health endpoints open to probes. */
export function serveSubgraph<Context extends object>(
  subgraph: SubgraphDefinition<Context>,
  options: ServeOptions,
): Promise<RunningServer> {
  return serveGraphQL<Context>({
    name: `${subgraph.name} subgraph`,
    createApollo: (plugins) => createSubgraphApollo(subgraph, options, plugins),
    refuse: refuseWithoutGatewaySecret(() => options.gatewaySecret),
    // Inside the cluster only, like the subgraph itself: Prometheus scrapes it here.
    metricsOnMainPort: true,
    // Only the gateway and other subgraphs get past the secret: their trace and request id hold.
    traceTrust: 'peers',
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    context: async (request) => createRequestContext(subgraph, request.headers),
    checkReadiness: () => subgraph.checkReadiness(),
    port: options.port,
    host: options.host,
    logger: options.logger,
    maxBodyBytes: options.maxBodyBytes ?? SUBGRAPH_MAX_BODY_BYTES,
    stopGracePeriodMs: options.stopGracePeriodMs,
    shutdownDelayMs: options.shutdownDelayMs,
    start: async () => {
      await subgraph.start?.();
    },
    stop: async () => {
      await subgraph.stop?.();
    },
  });
}

/**
 * The Apollo server of a subgraph, the same however it is hosted (a long-lived service or a
 * function): errors masked in production, a database outage answered SERVICE_UNAVAILABLE, no
 * landing page, no inline traces, and cache hints computed only where the schema gives some.
 */
export function createSubgraphApollo<Context extends object>(
  subgraph: SubgraphDefinition<Context>,
  options: { production: boolean },
  plugins: ApolloServerPlugin<Context>[] = [],
): ApolloServer<Context> {
  return new ApolloServer<Context>({
    schema: subgraph.schema,
    // Only the gateway reaches this endpoint (the secret sees to it).
    introspection: !options.production,
    includeStacktraceInErrorResponses: false,
    // The host owns shutdown (runService drains, then closes pools; a platform ends a function).
    stopOnTerminationSignals: false,
    formatError: (formatted, error) =>
      maskError(answerDatabaseOutage(formatted, error, subgraph.name), { production: options.production }),
    documentStore: createDocumentStore(SUBGRAPH_DOCUMENT_CACHE_BYTES),
    plugins: [
      ...plugins,
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      // Apollo's cache-control plugin wraps every resolver (about 36 µs of a 78 µs operation,
      // bench/OPTIMIZATIONS.md). A subgraph without hints answers no Cache-Control header, which
      // the gateway reads as "not cacheable", exactly what the plugin would have said.
      ...(givesCacheHints(subgraph.schema) ? [] : [ApolloServerPluginCacheControlDisabled()]),
    ],
  });
}

/** Whether the schema declares `@cacheControl` (each subgraph declares the directives it uses). */
function givesCacheHints(schema: GraphQLSchema): boolean {
  return schema.getDirective('cacheControl') !== undefined;
}

/** A request's context from the headers only the gateway sets: the caller, their address, the deadline. */
export function createRequestContext<Context extends object>(
  subgraph: SubgraphDefinition<Context>,
  headers: IncomingHttpHeaders,
): Context {
  return subgraph.createContext(readIdentity(headers), {
    clientAddress: readClientAddress(headers),
    deadline: readDeadline(headers),
  });
}
