import { readConfig, readDatabaseUrl, readServiceConfig, type Env, type ServiceConfig } from '@agora/config';

export interface SignaturesConfig {
  service: ServiceConfig;
  databaseUrl: string;
  /** The petitions subgraph's GraphQL endpoint (its lifecycle log). */
  petitionsUrl: string;
  serviceTimeoutMs: number;
  /** How often the open-petitions replica reads the log even without a gap. */
  replicaSyncIntervalMs: number;
}

export const SIGNATURES_DEFAULT_PORT = 4006;

/** Reads and validates the signatures service's settings (see its README). */
export function loadSignaturesConfig(env: Env): SignaturesConfig {
  return readConfig('signatures', env, (r) => ({
    service: readServiceConfig(r, SIGNATURES_DEFAULT_PORT),
    databaseUrl: readDatabaseUrl(r, 'postgres://postgres@127.0.0.1:5432/agora_signatures'),
    petitionsUrl:
      r.url(
        'PETITIONS_URL',
        ['http:', 'https:'],
        r.required('PETITIONS_URL', "the petitions subgraph's endpoint, e.g. http://petitions:4005/graphql"),
      ) ?? '',
    serviceTimeoutMs: r.int('SERVICE_TIMEOUT_MS', { default: 2000, min: 50, max: 60_000 }),
    replicaSyncIntervalMs: r.int('REPLICA_SYNC_INTERVAL_MS', { default: 30_000, min: 100 }),
  }));
}
