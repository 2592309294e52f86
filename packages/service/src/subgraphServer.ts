import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { maskError } from '@agora/errors';
import { requireGatewaySecret } from './gatewaySecret.js';
import { readIdentity, type Identity } from './identity.js';
import type { Logger } from './logger.js';

/** What a subgraph is, independent of how it is served (built by createXSubgraph). */
export interface SubgraphDefinition<Context extends object> {
  name: string;
  schema: GraphQLSchema;
  /** A fresh context per request: the caller and new DataLoaders. */
  createContext(identity: Identity | null): Context;
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

export interface RunningServer {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4001/graphql. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Serves a subgraph over HTTP: `/graphql` behind the gateway secret, and the health
 * endpoints `/health/live` and `/health/ready` open to probes.
 */
export async function serveSubgraph<Context extends object>(
  subgraph: SubgraphDefinition<Context>,
  options: ServeOptions,
): Promise<RunningServer> {
  const app = express();
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<Context>({
    schema: subgraph.schema,
    // Only the gateway reaches this endpoint; it needs introspection-free `_service` only.
    introspection: !options.production,
    includeStacktraceInErrorResponses: false,
    // runService owns shutdown: drain, then close pools, in that order.
    stopOnTerminationSignals: false,
    formatError: (formatted) => maskError(formatted, { production: options.production }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.stopGracePeriodMs ?? 10_000 }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
  });
  await apollo.start();
  await subgraph.start?.();

  let stopping = false;
  mountHealth(app, options.logger, async () => {
    if (stopping) throw new Error('shutting down');
    await subgraph.checkReadiness();
  });
  app.use(
    '/graphql',
    requireGatewaySecret(options.gatewaySecret),
    express.json({ limit: options.maxBodyBytes ?? 1_000_000 }),
    expressMiddleware(apollo, { context: async ({ req }) => subgraph.createContext(readIdentity(req.headers)) }),
  );

  let port: number;
  try {
    port = await listen(httpServer, options.port, options.host);
  } catch (error) {
    await apollo.stop();
    await subgraph.stop?.();
    throw new Error(`${subgraph.name} cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
  }
  const url = `http://${connectableHost(options.host)}:${port}/graphql`;
  options.logger.info(`${subgraph.name} subgraph ready`, { url });
  return {
    url,
    port,
    async stop() {
      stopping = true;
      await apollo.stop();
      await subgraph.stop?.();
    },
  };
}

/** Liveness says the process answers; readiness says it can do its job right now. */
export function mountHealth(app: express.Express, logger: Logger, checkReadiness: () => Promise<void>): void {
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    try {
      await checkReadiness();
      res.json({ status: 'ready' });
    } catch (error) {
      // The reason may name internal hosts; it goes to the log, not to the probe.
      logger.warn('not ready', { error });
      res.status(503).json({ status: 'unavailable' });
    }
  });
}

export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A host a client on this machine can dial, for the URL we print. */
export function connectableHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}
