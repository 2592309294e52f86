import http from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express from 'express';
import type { KeyValueStore } from '@agora/adapters';
import { maskError } from '@agora/errors';
import { connectableHost, listen, mountHealth, type Logger, type RunningServer } from '@agora/service';
import type { GatewayContext } from './context.js';
import { createIdentityResolver } from './identity.js';
import { subscriptionsOverHttpPlugin } from './plugins.js';
import { SubgraphDataSource } from './subgraphDataSource.js';
import { createTokenVerifier, type TokenSettings } from './tokens.js';

export { loadGatewayConfig, GATEWAY_DEFAULT_PORT, type GatewayConfig } from './config.js';
export type { TokenSettings } from './tokens.js';

export interface GatewayDeps {
  supergraphSdl: string;
  /** Where each subgraph answers, by name; a subgraph not named uses the supergraph's URL. */
  subgraphUrls: Readonly<Record<string, string>>;
  gatewaySecret: string;
  tokens: TokenSettings;
  /** Where `users` marks revoked sessions. */
  revocations: KeyValueStore;
  production: boolean;
  /** Deadline of one subgraph call. */
  subgraphTimeoutMs: number;
  /** Largest request body accepted. */
  maxBodyBytes: number;
  /** Origins allowed to call from a browser ('*' for any: tokens travel in a header, not cookies). */
  corsOrigins: readonly string[];
  logger: Logger;
}

export interface ListenOptions {
  port: number;
  host: string;
}

/**
 * The public door: the federation gateway on `/graphql` (Apollo Sandbox there in
 * development), health endpoints for probes. It verifies the caller and speaks to the
 * subgraphs with the gateway secret.
 */
export async function serveGateway(deps: GatewayDeps, listenOptions: ListenOptions): Promise<RunningServer> {
  const app = express();
  const httpServer = http.createServer(app);
  // No usage data leaves the deployment unless an operator asks for it explicitly.
  process.env['APOLLO_TELEMETRY_DISABLED'] ??= '1';
  const resolveIdentity = createIdentityResolver(createTokenVerifier(deps.tokens), deps.revocations, deps.logger);
  const gateway = new ApolloGateway({
    supergraphSdl: deps.supergraphSdl,
    buildService: ({ name, url }) =>
      new SubgraphDataSource({
        name,
        url: deps.subgraphUrls[name] ?? url ?? '',
        gatewaySecret: deps.gatewaySecret,
        timeoutMs: deps.subgraphTimeoutMs,
      }),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !deps.production,
    includeStacktraceInErrorResponses: false,
    // runService owns shutdown: drain, then close pools, in that order.
    stopOnTerminationSignals: false,
    formatError: (formatted) => maskError(formatted, { production: deps.production }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      deps.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      subscriptionsOverHttpPlugin(),
    ],
  });
  await apollo.start();

  let stopping = false;
  mountHealth(app, deps.logger, async () => {
    if (stopping) throw new Error('shutting down');
  });
  app.use(
    '/graphql',
    cors({ origin: deps.corsOrigins.includes('*') ? '*' : [...deps.corsOrigins] }),
    express.json({ limit: deps.maxBodyBytes }),
    expressMiddleware(apollo, {
      context: async ({ req }) => ({ identity: await resolveIdentity(req.headers.authorization) }),
    }),
  );

  const port = await listen(httpServer, listenOptions.port, listenOptions.host).catch(async (error: Error) => {
    await apollo.stop();
    throw new Error(`the gateway cannot listen on ${listenOptions.host}:${listenOptions.port}: ${error.message}`);
  });
  const url = `http://${connectableHost(listenOptions.host)}:${port}/graphql`;
  deps.logger.info('gateway ready', { url });
  return {
    url,
    port,
    async stop() {
      stopping = true;
      await apollo.stop();
    },
  };
}
