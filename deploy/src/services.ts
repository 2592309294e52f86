import { GATEWAY_DEFAULT_METRICS_PORT } from '@agora/gateway';
import { SUBGRAPHS, type SubgraphName } from '@agora/schema';

export type ServiceName = 'gateway' | SubgraphName;

/**
 * What one service needs from the cluster, as its README and its config reader say. The
 * chart's catalogue (chart/templates/_helpers.tpl) and docker-compose.yml state the same;
 * tests check that they agree with this.
 */
export interface ServiceSpec {
  name: ServiceName;
  port: number;
  /** Owns a PostgreSQL database (every subgraph). */
  database: boolean;
  /** Its entry point refuses to start without REDIS_URL. */
  redis: boolean;
  /** The subgraphs it calls, each given as `<NAME>_URL`. */
  peers: readonly SubgraphName[];
  /** Which half of the token key pair it holds: users signs, the gateway verifies. */
  tokenKey: 'private' | 'public' | 'none';
  /** A port of its own for `/metrics` (the gateway, whose main port is public); else `/metrics` is on `port`. */
  metricsPort?: number;
}

export const GATEWAY_PORT = 4000;
/** The gateway's own default `METRICS_PORT`. */
export const GATEWAY_METRICS_PORT = GATEWAY_DEFAULT_METRICS_PORT;

/** The paths `serveGraphQL` (packages/service) answers probes on. */
export const READINESS_PATH = '/health/ready';
export const LIVENESS_PATH = '/health/live';

const USES_REDIS: readonly SubgraphName[] = ['users', 'orders', 'petitions', 'signatures'];
const PEERS: Partial<Record<SubgraphName, readonly SubgraphName[]>> = {
  orders: ['inventory', 'financial', 'users'],
  signatures: ['petitions'],
};

export const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'gateway',
    port: GATEWAY_PORT,
    database: false,
    redis: true,
    peers: SUBGRAPHS.map((subgraph) => subgraph.name),
    tokenKey: 'public',
    metricsPort: GATEWAY_METRICS_PORT,
  },
  ...SUBGRAPHS.map(({ name, port }) => ({
    name,
    port,
    database: true,
    redis: USES_REDIS.includes(name),
    peers: PEERS[name] ?? [],
    tokenKey: name === 'users' ? ('private' as const) : ('none' as const),
  })),
];

/**
 * The variables a service is started with, by name, in the order the chart gives them: its
 * port, the gateway secret, its database, Redis, its half of the token key pair, its peers'
 * URLs, and for the gateway the proxies it trusts.
 */
export function environmentNames(spec: ServiceSpec): string[] {
  return [
    'PORT',
    ...(spec.metricsPort === undefined ? [] : ['METRICS_PORT']),
    'GATEWAY_SECRET',
    ...(spec.database ? ['DATABASE_URL'] : []),
    ...(spec.redis ? ['REDIS_URL', 'REDIS_PREFIX'] : []),
    ...(spec.tokenKey === 'none'
      ? []
      : ['JWT_KEY_ID', spec.tokenKey === 'private' ? 'JWT_PRIVATE_KEY' : 'JWT_PUBLIC_KEY']),
    ...spec.peers.map((peer) => `${peer.toUpperCase()}_URL`),
    ...(spec.name === 'gateway' ? ['TRUSTED_PROXY_HOPS'] : []),
  ];
}

/** Every service runs from the one image, picked by this argument. */
export function commandOf(name: ServiceName): string[] {
  return ['--service', name];
}
