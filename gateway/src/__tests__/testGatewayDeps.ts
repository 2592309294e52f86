// What the gateway's own tests serve a gateway with: in-process stores, limits nobody reaches
// by accident, no metrics port; each test overrides what it is about.
import { MemKeyValueStore, MemPubSub } from '@agora/adapters';
import { DEFAULT_HTTP_TIMEOUTS, silentLogger } from '@agora/service';
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
