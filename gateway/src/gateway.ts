import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import cors from 'cors';
import type { KeyValueStore } from '@agora/adapters';
import { maskError } from '@agora/errors';
import { serveGraphQL, type Logger, type RunningServer } from '@agora/service';
import { clientAddressOf, type GatewayContext } from './context.js';
import { createIdentityResolver } from './identity.js';
import { rateLimitStatusPlugin, subscriptionsOverHttpPlugin } from './plugins.js';
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
  /** Proxies we run in front of the gateway, whose X-Forwarded-For entries are trusted (0: none). */
  trustedProxyHops: number;
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
export function serveGateway(deps: GatewayDeps, listenOptions: ListenOptions): Promise<RunningServer> {
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
  return serveGraphQL<GatewayContext>({
    name: 'gateway',
    createApollo: (plugins) =>
      new ApolloServer<GatewayContext>({
        gateway,
        introspection: !deps.production,
        includeStacktraceInErrorResponses: false,
        // runService owns shutdown: drain, then close pools, in that order.
        stopOnTerminationSignals: false,
        formatError: (formatted) => maskError(formatted, { production: deps.production }),
        plugins: [
          ...plugins,
          deps.production
            ? ApolloServerPluginLandingPageDisabled()
            : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
          subscriptionsOverHttpPlugin(),
          rateLimitStatusPlugin(),
        ],
      }),
    guards: [cors({ origin: deps.corsOrigins.includes('*') ? '*' : [...deps.corsOrigins] })],
    context: async (req) => ({
      identity: await resolveIdentity(req.headers.authorization),
      clientAddress: clientAddressOf(req, deps.trustedProxyHops),
    }),
    checkReadiness: async () => {},
    port: listenOptions.port,
    host: listenOptions.host,
    logger: deps.logger,
    maxBodyBytes: deps.maxBodyBytes,
  });
}
