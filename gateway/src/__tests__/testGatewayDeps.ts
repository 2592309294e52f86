// What the gateway's own tests serve a gateway with: in-process stores, limits nobody reaches
// by accident, no metrics port; each test overrides what it is about. Also the probe subgraph
// they put behind it and the session tokens they send.
import type http from 'node:http';
import { createPrivateKey } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { SignJWT } from 'jose';
import { MemKeyValueStore, MemPubSub } from '@agora/adapters';
import {
  DEFAULT_HTTP_TIMEOUTS,
  serveGraphQL,
  silentLogger,
  type EdgeRequest,
  type RunningServer,
  type SigningKeys,
} from '@agora/service';
import { TEST_GATEWAY_SECRET } from '@agora/testkit';
import { defaultGatewayTuning, defaultQueryLimits, type GatewayDeps } from '../gateway.js';

export interface TestGatewayBase {
  supergraphSdl: string;
  subgraphUrls: Record<string, string>;
  /** The key that verifies tokens, by key id. */
  publicKeys: Record<string, string>;
}

export function testGatewayDeps(base: TestGatewayBase, overrides: Partial<GatewayDeps> = {}): GatewayDeps {
  return {
    supergraphSdl: base.supergraphSdl,
    subgraphUrls: base.subgraphUrls,
    gatewaySecret: TEST_GATEWAY_SECRET,
    tokens: { publicKeys: base.publicKeys, issuer: 'agora-users', audience: 'agora' },
    revocations: new MemKeyValueStore(),
    ...defaultGatewayTuning(),
    pubsub: new MemPubSub(),
    coalesceMs: 50,
    queryLimits: defaultQueryLimits(),
    connectionLimits: {
      maxConnectionsPerAddress: 10_000,
      maxOperationsPerAddress: 10_000,
      httpTimeouts: DEFAULT_HTTP_TIMEOUTS,
    },
    production: false,
    subgraphTimeoutMs: 2_000,
    maxBodyBytes: 10_000,
    corsOrigins: ['*'],
    trustedProxyHops: 0,
    metricsPort: null,
    metricsOperationNames: [],
    logger: silentLogger,
    ...overrides,
  };
}

export interface ProbeSubgraphOptions<TContext> {
  schema: GraphQLSchema;
  /** What the probe's resolvers get from each request. */
  context: (request: EdgeRequest) => Promise<TContext>;
  /** Listeners the probe's test puts on its HTTP server (see `serveGraphQL`). */
  attach?: (httpServer: http.Server) => () => Promise<void>;
}

/** A stand-in subgraph on the same edge as ours, so the gateway's own behaviour is seen alone. */
export function serveProbeSubgraph<TContext extends object>(
  options: ProbeSubgraphOptions<TContext>,
): Promise<RunningServer> {
  return serveGraphQL<TContext>({
    name: 'probe subgraph',
    createApollo: (plugins) =>
      new ApolloServer({ schema: options.schema, plugins: [...plugins, ApolloServerPluginInlineTraceDisabled()] }),
    context: options.context,
    checkReadiness: async () => {},
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
    maxBodyBytes: 100_000,
    metricsOnMainPort: false,
    traceTrust: 'peers',
    ...(options.attach === undefined ? {} : { attach: options.attach }),
  });
}

/** A session token as users would sign it, valid for ten minutes. */
export function signTestToken(keys: SigningKeys, userId: string, sessionId: string): Promise<string> {
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'EdDSA', kid: keys.keyId })
    .setSubject(userId)
    .setIssuer('agora-users')
    .setAudience('agora')
    .setExpirationTime('10m')
    .sign(createPrivateKey(keys.privateKeyPem));
}
