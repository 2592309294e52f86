import {
  readConfig,
  readDatabaseUrl,
  readServiceConfig,
  type Env,
  type EnvReader,
  type ServiceConfig,
} from '@agora/config';
import type { CountsSource } from './domain/signatureCounts.js';
import type { SigningLimits } from './domain/signing.js';

export interface SigningSettings {
  /** How often the open-petitions replica reads the log anyway. */
  replicaSyncIntervalMs: number;
  /** How often Redis counts and ranking are rebuilt from PostgreSQL. */
  reconcileIntervalMs: number;
  /** Most signatures in one group commit. */
  maxBatch: number;
  limits: SigningLimits;
  /**
   * Read the petitions log before signing when the replica was last brought up to date longer
   * ago than this (null: never; pub/sub keeps a long-lived service current, a function hears
   * no events and sets it).
   */
  replicaMaxAgeMs: number | null;
  /**
   * Where counts and the most-signed ranking are read from: Redis (kept after each commit), or
   * PostgreSQL straight away — to compare the two (the benchmark does), or to take a
   * misbehaving Redis out of the read path without a deploy.
   */
  countsSource: CountsSource;
}

export interface SignaturesConfig {
  service: ServiceConfig;
  databaseUrl: string;
  /** The petitions subgraph's GraphQL endpoint (its lifecycle log). */
  petitionsUrl: string;
  serviceTimeoutMs: number;
  settings: SigningSettings;
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
    settings: readSigningSettings(r),
  }));
}

/** The signing settings, read the same way here and in the all-in-one launcher. */
export function readSigningSettings(r: EnvReader): SigningSettings {
  return {
    replicaSyncIntervalMs: r.int('REPLICA_SYNC_INTERVAL_MS', { default: 30_000, min: 100 }),
    reconcileIntervalMs: r.int('COUNT_RECONCILE_INTERVAL_MS', { default: 60_000, min: 100 }),
    maxBatch: r.int('SIGNING_MAX_BATCH', { default: 500, min: 1, max: 5_000 }),
    limits: {
      perUser: r.int('SIGN_LIMIT_PER_USER', { default: 20, min: 1 }),
      perAddress: r.int('SIGN_LIMIT_PER_ADDRESS', { default: 600, min: 1 }),
    },
    replicaMaxAgeMs:
      r.optional('REPLICA_MAX_AGE_MS') === undefined ? null : r.int('REPLICA_MAX_AGE_MS', { default: 1_000, min: 0 }),
    countsSource: r.oneOf('COUNTS_SOURCE', ['redis', 'postgres'], 'redis'),
  };
}
