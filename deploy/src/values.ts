import type { ServiceName } from './services.js';

/** What the chart is rendered from; `chart/values.yaml` records the defaults. */
export interface ChartValues {
  image: { repository: string; tag: string; pullPolicy: 'Always' | 'IfNotPresent' | 'Never' };
  /** An external PostgreSQL server: each subgraph uses database `<databasePrefix><name>` on it. */
  postgres: { url: string; databasePrefix: string };
  /** An external Redis server shared by every service and gateway replica. */
  redis: { url: string; prefix: string };
  /** Rendered into the `agora-keys` Secret; empty here, so nothing real is ever committed. */
  secrets: { gatewaySecret: string; jwtKeyId: string; jwtPrivateKey: string; jwtPublicKey: string };
  services: Record<ServiceName, ServiceValues>;
}

export interface ServiceValues {
  /** Pods when autoscaling is off. */
  replicas: number;
  autoscaling: { enabled: boolean; minReplicas: number; maxReplicas: number; targetCpuUtilization: number };
  resources: { requests: Quantities; limits: Quantities };
  /** More settings of the service (its README lists them), e.g. QUERY_MAX_COST. */
  env: Record<string, string>;
}

// A type, not an interface: the Kubernetes model wants a string-indexed map.
type Quantities = { cpu: string; memory: string };

function service(cpu: string, memory: string, env: Record<string, string> = {}): ServiceValues {
  return {
    replicas: 1,
    autoscaling: { enabled: false, minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 70 },
    resources: { requests: { cpu, memory }, limits: { cpu: '1', memory: '512Mi' } },
    env,
  };
}

function autoscaled(values: ServiceValues): ServiceValues {
  return { ...values, autoscaling: { ...values.autoscaling, enabled: true } };
}

export const DEFAULT_VALUES: ChartValues = {
  image: { repository: 'agora', tag: '0.1.0', pullPolicy: 'IfNotPresent' },
  postgres: { url: 'postgres://agora@postgres:5432', databasePrefix: 'agora_' },
  redis: { url: 'redis://redis:6379', prefix: 'agora' },
  secrets: { gatewaySecret: '', jwtKeyId: '', jwtPrivateKey: '', jwtPublicKey: '' },
  services: {
    // One hop: an Ingress controller in front of the gateway's ClusterIP Service.
    gateway: autoscaled(service('250m', '256Mi', { TRUSTED_PROXY_HOPS: '1' })),
    users: service('250m', '256Mi'),
    inventory: service('100m', '192Mi'),
    orders: service('100m', '192Mi'),
    financial: service('100m', '192Mi'),
    petitions: service('100m', '192Mi'),
    signatures: autoscaled(service('250m', '256Mi')),
  },
};

/**
 * Lays `overrides` (a parsed values file) over `base`. A key `base` does not have is a
 * mistake, reported by its path, except under `env`, whose keys are the service's settings.
 */
export function mergeValues(base: ChartValues, overrides: unknown): ChartValues {
  return mergeAt([], base, overrides) as ChartValues;
}

function mergeAt(path: string[], base: unknown, override: unknown): unknown {
  if (override === undefined || override === null) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (!(key in base) && path.at(-1) !== 'env') throw new Error(`unknown value ${[...path, key].join('.')}`);
    merged[key] = mergeAt([...path, key], base[key], value);
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
