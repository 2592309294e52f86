import { fileURLToPath } from 'node:url';
import { readConfig, readShutdownDelayMs, type Env } from '@agora/config';
import { SUBGRAPHS, type SubgraphName } from '@agora/schema';
import {
  readClientSettings,
  readGatewayTuning,
  readMetricsPort,
  readOperationNames,
  type ClientSettings,
  type GatewayTuning,
} from '@agora/gateway';
import { readPetitionsSettings, type PetitionsSettings } from '@agora/petitions';
import { readCheckoutSettings, type CheckoutSettings } from '@agora/orders';
import { readSigningSettings, type SigningSettings } from '@agora/signatures';
import { readAttemptLimits, type AttemptLimits } from '@agora/users';

/** How `npm start` runs Agora in one process; every setting has a default that just works. */
export interface LauncherConfig extends ClientSettings, PetitionsSettings {
  /** A PostgreSQL server to use instead of the embedded one. */
  databaseUrl: string | undefined;
  /** Each subgraph's database is named `<prefix><subgraph>`, e.g. agora_users. */
  databasePrefix: string;
  /** A Redis server to use instead of in-process pub/sub and store. */
  redisUrl: string | undefined;
  redisPrefix: string;
  /** Where the embedded PostgreSQL and the generated secrets live. */
  dataDir: string;
  /** The data folder was not chosen by the user (AGORA_DATA_DIR unset). */
  dataDirIsDefault: boolean;
  host: string;
  gatewayPort: number;
  /** Where the web app (client-example/web) is served, when it has been built. */
  webPort: number;
  /** Where the gateway's Prometheus metrics are served. */
  gatewayMetricsPort: number;
  /** Operation names the gateway's metrics count by name (the gateway's own reader). */
  metricsOperationNames: string[];
  /** On SIGTERM, how long the gateway keeps serving with readiness failing before it closes. */
  shutdownDelayMs: number;
  subgraphPorts: Record<SubgraphName, number>;
  gatewaySecret: string | undefined;
  production: boolean;
  seedDemoData: boolean;
  /** Connections to subgraphs and the response cache: the gateway's own settings. */
  gatewayTuning: GatewayTuning;
  /** Signing limits and intervals: the signatures service's own settings. */
  signing: SigningSettings;
  /** Checkout recovery and limits: the orders service's own settings. */
  checkout: CheckoutSettings;
  /** Login and registration limits: the users service's own settings. */
  attemptLimits: AttemptLimits;
}

export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../.agora', import.meta.url));

export function loadLauncherConfig(env: Env): LauncherConfig {
  return readConfig('agora (all-in-one)', env, (r) => {
    const subgraphBasePort = r.int('SUBGRAPH_BASE_PORT', { default: 4001, min: 0, max: 65_000 });
    const production = r.oneOf('NODE_ENV', ['development', 'production', 'test'], 'development') === 'production';
    return {
      databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:'], r.optional('DATABASE_URL')),
      databasePrefix: r.string('DATABASE_PREFIX', 'agora_'),
      redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:'], r.optional('REDIS_URL')),
      redisPrefix: r.string('REDIS_PREFIX', 'agora'),
      dataDir: r.string('AGORA_DATA_DIR', DEFAULT_DATA_DIR),
      dataDirIsDefault: r.optional('AGORA_DATA_DIR') === undefined,
      host: r.string('HOST', '127.0.0.1'),
      gatewayPort: r.int('PORT', { default: 4000, min: 0, max: 65_535 }),
      webPort: r.int('WEB_PORT', { default: 4080, min: 0, max: 65_535 }),
      shutdownDelayMs: readShutdownDelayMs(r, production),
      metricsOperationNames: readOperationNames(r),
      gatewayMetricsPort: readMetricsPort(r),
      // Consecutive ports from the base (4001 users … 4006 signatures); 0 picks free ones.
      subgraphPorts: Object.fromEntries(
        SUBGRAPHS.map(({ name }, index) => [name, subgraphBasePort === 0 ? 0 : subgraphBasePort + index]),
      ) as Record<SubgraphName, number>,
      gatewaySecret: r.optional('GATEWAY_SECRET'),
      production,
      // Demo users have a published password: never loaded in production unless asked for.
      seedDemoData: r.boolean('SEED_DEMO_DATA', !production),
      // The services' own settings, read by their own readers.
      ...readClientSettings(r),
      gatewayTuning: readGatewayTuning(r),
      ...readPetitionsSettings(r),
      signing: readSigningSettings(r),
      attemptLimits: readAttemptLimits(r),
      checkout: readCheckoutSettings(r),
    };
  });
}
