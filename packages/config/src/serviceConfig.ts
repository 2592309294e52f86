import { readConfig, type Env, type EnvReader } from './envReader.js';

/** Settings every Agora service (subgraph or gateway) shares. */
export interface ServiceConfig {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  host: string;
  /** Production hides stack traces and unknown errors, and the Sandbox landing page. */
  production: boolean;
  /** Shared by the gateway and every subgraph; a subgraph refuses requests without it. */
  gatewaySecret: string;
  /** Redis server; absent only in all-in-one mode, where in-process twins stand in. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel, so deployments can share one Redis. */
  redisPrefix: string;
  /**
   * On SIGTERM, how long the service keeps serving with readiness failing before it closes,
   * so a load balancer stops sending it requests first (production 5 s, otherwise 0).
   */
  shutdownDelayMs: number;
}

export const MIN_GATEWAY_SECRET_LENGTH = 16;

export function readServiceConfig(reader: EnvReader, defaultPort: number): ServiceConfig {
  const gatewaySecret = reader.required(
    'GATEWAY_SECRET',
    `a random string of at least ${MIN_GATEWAY_SECRET_LENGTH} characters shared by the gateway and the subgraphs`,
  );
  if (gatewaySecret !== '' && gatewaySecret.length < MIN_GATEWAY_SECRET_LENGTH) {
    reader.problem(`GATEWAY_SECRET must be at least ${MIN_GATEWAY_SECRET_LENGTH} characters long`);
  }
  // Read in this order so that problems are listed in it.
  const port = reader.int('PORT', { default: defaultPort, min: 0, max: 65535 });
  const host = reader.string('HOST', '0.0.0.0');
  const production = reader.oneOf('NODE_ENV', ['development', 'production', 'test'], 'development') === 'production';
  return {
    port,
    host,
    production,
    gatewaySecret,
    redisUrl: reader.url('REDIS_URL', ['redis:', 'rediss:'], reader.optional('REDIS_URL')),
    redisPrefix: reader.string('REDIS_PREFIX', 'agora'),
    shutdownDelayMs: readShutdownDelayMs(reader, production),
  };
}

/** The PostgreSQL database a subgraph owns. */
export function readDatabaseUrl(reader: EnvReader, example: string): string {
  const value = reader.required('DATABASE_URL', `the service's own PostgreSQL database, e.g. ${example}`);
  return reader.url('DATABASE_URL', ['postgres:', 'postgresql:'], value === '' ? undefined : value) ?? '';
}

/**
 * Where traces go: an OTLP/HTTP collector (the standard OTEL_EXPORTER_OTLP_ENDPOINT), or
 * nowhere when unset. Read before anything starts, so every service's process takes it alike.
 */
export function readTracingEndpoint(env: Env): string | undefined {
  return readConfig('tracing', env, (r) =>
    r.url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:'], r.optional('OTEL_EXPORTER_OTLP_ENDPOINT')),
  );
}

/** Longest SHUTDOWN_DELAY_MS: with draining it must end before the process is killed anyway. */
export const MAX_SHUTDOWN_DELAY_MS = 30_000;

/** SHUTDOWN_DELAY_MS, read the same way by every service and the all-in-one launcher. */
export function readShutdownDelayMs(reader: EnvReader, production: boolean): number {
  return reader.int('SHUTDOWN_DELAY_MS', { default: production ? 5_000 : 0, min: 0, max: MAX_SHUTDOWN_DELAY_MS });
}
