import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { maskError } from '@agora/errors';
import { requireGatewaySecret } from './gatewaySecret.js';
import { serveGraphQL, type RunningServer } from './graphqlServer.js';
import { readClientAddress, readIdentity, type Identity } from './identity.js';
import type { Logger } from './logger.js';

/** What a subgraph is, independent of how it is served (built by createXSubgraph). */
export interface SubgraphDefinition<Context extends object> {
  name: string;
  schema: GraphQLSchema;
  /** A fresh context per request: the caller, where they call from, and new DataLoaders. */
  createContext(identity: Identity | null, request: { clientAddress: string | null }): Context;
  /** Throws when the subgraph cannot serve (database unreachable, say). */
  checkReadiness(): Promise<void>;
  /** Background work begun before serving (consumers, timers); stopped after the last request. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

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
}

/** Serves a subgraph: `/graphql` behind the gateway secret, health endpoints open to probes. */
export function serveSubgraph<Context extends object>(
  subgraph: SubgraphDefinition<Context>,
  options: ServeOptions,
): Promise<RunningServer> {
  return serveGraphQL<Context>({
    name: `${subgraph.name} subgraph`,
    createApollo: (plugins) =>
      new ApolloServer<Context>({
        schema: subgraph.schema,
        // Only the gateway reaches this endpoint (the secret sees to it).
        introspection: !options.production,
        includeStacktraceInErrorResponses: false,
        // runService owns shutdown: drain, then close pools, in that order.
        stopOnTerminationSignals: false,
        formatError: (formatted) => maskError(formatted, { production: options.production }),
        plugins: [...plugins, ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
      }),
    guards: [requireGatewaySecret(options.gatewaySecret)],
    context: async (req) =>
      subgraph.createContext(readIdentity(req.headers), { clientAddress: readClientAddress(req.headers) }),
    checkReadiness: () => subgraph.checkReadiness(),
    port: options.port,
    host: options.host,
    logger: options.logger,
    maxBodyBytes: options.maxBodyBytes ?? 1_000_000,
    stopGracePeriodMs: options.stopGracePeriodMs,
    start: async () => {
      await subgraph.start?.();
    },
    stop: async () => {
      await subgraph.stop?.();
    },
  });
}
