import { GATEWAY_DEFAULT_METRICS_PORT } from '@agora/gateway';
import { SUBGRAPHS, type SubgraphName } from '@agora/schema';

export type ServiceName = 'gateway' | SubgraphName;

/** What one service needs from the cluster, as its README and its config reader say. */
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

/** The Deployment and Service of a service are both named after it. */
export function resourceName(name: ServiceName): string {
  return `agora-${name}`;
}

export function serviceUrl(name: SubgraphName): string {
  const port = SERVICES.find((service) => service.name === name)?.port;
  return `http://${resourceName(name)}:${port}/graphql`;
}

export function selectorLabels(name: ServiceName): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'agora' };
}
