import { readConfig, readServiceConfig, type Env, type EnvReader, type ServiceConfig } from '@agora/config';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER } from '@agora/service';
import { readConnectionLimits, type ConnectionLimits } from './connectionLimits.js';
import { readQueryLimits, type QueryLimits } from './queryLimits.js';
import type { TokenSettings } from './tokens.js';

export interface GatewayConfig extends ClientSettings, GatewayTuning {
  service: ServiceConfig;
  tokens: TokenSettings;
  /** Overrides of the subgraph URLs in the supergraph, by subgraph name. */
  subgraphUrls: Record<string, string>;
  subgraphTimeoutMs: number;
  maxBodyBytes: number;
  corsOrigins: string[];
  /** Where Prometheus scrapes `/metrics`, apart from the public port. */
  metricsPort: number;
  /** Operation names counted by name in metrics. */
  metricsOperationNames: string[];
}

/** What the gateway needs to know about its clients; read the same way by the all-in-one launcher. */
export interface ClientSettings {
  /** Proxies we run in front of the gateway, whose X-Forwarded-For entries are trusted. */
  trustedProxyHops: number;
  /** Counts for one petition are pushed to watchers at most this often. */
  coalesceMs: number;
  /** How big an operation may be (depth, aliases, cost, …). */
  queryLimits: QueryLimits;
  /** How much one client address may hold at once (connections, subscriptions), and for how long. */
  connectionLimits: ConnectionLimits;
}

export function readClientSettings(r: EnvReader): ClientSettings {
  return {
    trustedProxyHops: r.int('TRUSTED_PROXY_HOPS', { default: 0, min: 0, max: 10 }),
    coalesceMs: r.int('SUBSCRIPTION_COALESCE_MS', { default: 100, min: 0, max: 10_000 }),
    queryLimits: readQueryLimits(r),
    connectionLimits: readConnectionLimits(r),
  };
}

/** How the gateway spends connections and memory for speed; read the same way by the all-in-one launcher. */
export interface GatewayTuning {
  /** Keep-alive connections to each subgraph at most (calls beyond wait for one). */
  subgraphMaxConnections: number;
  /** Public answers to anonymous GETs kept at most (0: no response cache). */
  responseCacheEntries: number;
  /** Bytes those answers may hold together. */
  responseCacheBytes: number;
  /**
   * Heap the parsed documents, query plans and persisted query texts may each hold: estimates
   * of real bytes (Apollo's defaults count JSON length, a quarter of a document's heap).
   */
  documentCacheBytes: number;
  queryPlanCacheBytes: number;
  persistedQueryCacheBytes: number;
  /** A manifest of the only operations to run (see the README); null: any operation within the limits. */
  persistedOperationsFile: string | null;
}

const MIB = 2 ** 20;

export function readGatewayTuning(r: EnvReader): GatewayTuning {
  const bytes = (name: string, defaultMib: number) =>
    r.int(name, { default: defaultMib * MIB, min: 0, max: 4_096 * MIB });
  return {
    subgraphMaxConnections: r.int('SUBGRAPH_MAX_CONNECTIONS', { default: 32, min: 1, max: 1_000 }),
    responseCacheEntries: r.int('RESPONSE_CACHE_ENTRIES', { default: 1_000, min: 0, max: 1_000_000 }),
    responseCacheBytes: bytes('RESPONSE_CACHE_BYTES', 16),
    documentCacheBytes: bytes('DOCUMENT_CACHE_BYTES', 16),
    queryPlanCacheBytes: bytes('QUERY_PLAN_CACHE_BYTES', 16),
    persistedQueryCacheBytes: bytes('PERSISTED_QUERY_CACHE_BYTES', 4),
    persistedOperationsFile: r.optional('PERSISTED_OPERATIONS_FILE') ?? null,
  };
}

/** The tuning a deployment gets when it sets none. */
export function defaultGatewayTuning(): GatewayTuning {
  return readConfig('gateway', {}, readGatewayTuning);
}

export const GATEWAY_DEFAULT_PORT = 4000;
/** The port OpenTelemetry's Prometheus exporter uses by convention. */
export const GATEWAY_DEFAULT_METRICS_PORT = 9464;

/** Reads and validates the gateway's settings (see its README). */
export function loadGatewayConfig(env: Env, subgraphNames: readonly string[]): GatewayConfig {
  return readConfig('gateway', env, (r) => {
    const subgraphUrls: Record<string, string> = {};
    for (const name of subgraphNames) {
      const variable = `${name.toUpperCase()}_URL`;
      const url = r.url(variable, ['http:', 'https:'], r.optional(variable));
      if (url !== undefined) subgraphUrls[name] = url;
    }
    return {
      service: readServiceConfig(r, GATEWAY_DEFAULT_PORT),
      tokens: {
        publicKeys: {
          [r.required('JWT_KEY_ID', 'the key id of the token signing key')]: r.pem(
            'JWT_PUBLIC_KEY',
            'the Ed25519 public key (SPKI PEM) that verifies session tokens',
          ),
        },
        issuer: r.string('JWT_ISSUER', DEFAULT_TOKEN_ISSUER),
        audience: r.string('JWT_AUDIENCE', DEFAULT_TOKEN_AUDIENCE),
      },
      subgraphUrls,
      // Above orders' checkout deadline (8 s), so that a shopper gets orders' own answer.
      subgraphTimeoutMs: r.int('SUBGRAPH_TIMEOUT_MS', { default: 10_000, min: 50, max: 120_000 }),
      maxBodyBytes: r.int('MAX_BODY_BYTES', { default: 100_000, min: 1_000, max: 10_000_000 }),
      metricsPort: readMetricsPort(r),
      metricsOperationNames: readOperationNames(r),
      corsOrigins: r
        .string('CORS_ORIGINS', '*')
        .split(',')
        .map((origin) => origin.trim()),
      ...readClientSettings(r),
      ...readGatewayTuning(r),
    };
  });
}

/**
 * METRICS_OPERATION_NAMES: the operations (by name, comma-separated) the gateway's metrics
 * count by name, e.g. those of your own web app; any other name is counted as `other`.
 */
export function readOperationNames(r: EnvReader): string[] {
  return r
    .string('METRICS_OPERATION_NAMES', '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** METRICS_PORT, read the same way here and by the all-in-one launcher. */
export function readMetricsPort(r: EnvReader): number {
  return r.int('METRICS_PORT', { default: GATEWAY_DEFAULT_METRICS_PORT, min: 0, max: 65_535 });
}
