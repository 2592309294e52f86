import { readFile } from 'node:fs/promises';
import { createAdapters, type Adapters, type RedisSettings } from '@agora/adapters';
import { withDatabase } from '@agora/db';
import { FINANCIAL_MIGRATIONS_DIR, createFinancialSubgraph } from '@agora/financial';
import {
  serveGateway,
  type ConnectionLimits,
  type GatewayDeps,
  type GatewayTuning,
  type QueryLimits,
} from '@agora/gateway';
import { INVENTORY_MIGRATIONS_DIR, createInventorySubgraph } from '@agora/inventory';
import { ORDERS_MIGRATIONS_DIR, createOrdersSubgraph, type CheckoutSettings } from '@agora/orders';
import { PETITIONS_MIGRATIONS_DIR, createPetitionsSubgraph } from '@agora/petitions';
import { SUPERGRAPH_PATH, type SubgraphName } from '@agora/schema';
import {
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  createServiceClient,
  startSubgraphService,
  type Logger,
  type RunningServer,
  type ServeOptions,
  type SigningKeys,
} from '@agora/service';
import { SIGNATURES_MIGRATIONS_DIR, createSignaturesSubgraph, type SigningSettings } from '@agora/signatures';
import { USERS_MIGRATIONS_DIR, createUsersSubgraph, type AttemptLimits } from '@agora/users';

export interface AgoraOptions {
  /** A PostgreSQL server; each subgraph gets its own database `<databasePrefix><name>` on it. */
  databaseServerUrl: string;
  databasePrefix: string;
  /** Redis server; without it pub/sub and the key-value store run in this process. */
  redisUrl: string | undefined;
  redisPrefix: string;
  /** Deadlines on Redis (its adapters' defaults where not given; tests shorten or name them). */
  redisSettings?: Partial<RedisSettings> | undefined;
  host: string;
  gatewayPort: number;
  /** Where the gateway's `/metrics` is served (0: any free port; null: not served). */
  gatewayMetricsPort: number | null;
  /** Operation names the gateway's metrics count by name. */
  metricsOperationNames: readonly string[];
  /**
   * On stop, how long the gateway keeps serving with readiness failing, so a load balancer
   * stops sending before it closes (the subgraphs behind it stop after it, at once).
   */
  shutdownDelayMs: number;
  /** Port of each subgraph, 0 for any free one. */
  subgraphPorts: Readonly<Record<SubgraphName, number>>;
  gatewaySecret: string;
  signingKeys: SigningKeys;
  production: boolean;
  passwordHashing: { memoryKib: number; timeCost: number };
  tokenTtlSeconds: number;
  /** Deadline of one call from a subgraph to another. */
  serviceTimeoutMs: number;
  /** Deadline of one call from the gateway to a subgraph (which may itself call others). */
  gatewayTimeoutMs: number;
  /** Proxies in front of the gateway whose X-Forwarded-For entries it trusts (tests and benchmarks use 1). */
  trustedProxyHops: number;
  /** A petition's count is pushed to its watchers at most this often. */
  coalesceMs: number;
  /** How big an operation the gateway accepts. */
  queryLimits: QueryLimits;
  /** How much one client address may hold of the gateway at once, and the gateway's HTTP deadlines. */
  connectionLimits: ConnectionLimits;
  /** How the gateway spends connections and memory for speed. */
  gatewayTuning: GatewayTuning;
  /** How often petitions checks its open list in Redis against PostgreSQL. */
  openListReconcileIntervalMs: number;
  /** Petitions one user may write per hour. */
  draftsPerHour: number;
  signing: SigningSettings;
  /** Login and registration attempts allowed (the users service's own settings). */
  attemptLimits: AttemptLimits;
  checkout: CheckoutSettings;
  /**
   * Where one subgraph calls another; tests put a fault-injecting proxy in between. By
   * default the callee's own URL.
   */
  routeServiceCall?: (callee: SubgraphName, url: string) => Promise<string>;
  /**
   * Where a subgraph connects to its database; tests put a fault-injecting proxy in between.
   * By default `databaseUrls` (which stay the direct URLs either way).
   */
  routeDatabase?: (subgraph: SubgraphName, url: string) => Promise<string>;
  /** Connections each subgraph's pool opens at most (its service's default when not given). */
  databasePoolSize?: number;
  logger: Logger;
  /** Called with every statement a subgraph sends (tests count round trips with it). */
  onQuery?: (subgraph: SubgraphName, sql: string) => void;
}

export interface RunningAgora {
  gatewayUrl: string;
  /** Where Prometheus scrapes the gateway (each subgraph serves `/metrics` on its own port). */
  gatewayMetricsUrl: string | undefined;
  /** Each subgraph's server (tests stop one to see the others carry on). */
  subgraphServers: Record<SubgraphName, RunningServer>;
  subgraphUrls: Record<SubgraphName, string>;
  /** The database each subgraph owns. */
  databaseUrls: Record<SubgraphName, string>;
  adapters: Adapters;
  stop(): Promise<void>;
}

/**
 * Every subgraph and the gateway in this one process, each on its own port and talking
 * HTTP to the others exactly as in the distributed deployment. Used by `npm start` and by
 * the end-to-end tests.
 */
export async function startAgora(options: AgoraOptions): Promise<RunningAgora> {
  const adapters = createAdapters({
    redisUrl: options.redisUrl,
    prefix: options.redisPrefix,
    redisSettings: options.redisSettings,
    onHandlerError: (error) => options.logger.error('pub/sub handler failed', { error }),
  });
  const started: RunningServer[] = [];
  const databaseUrls = {} as Record<SubgraphName, string>;
  const subgraphUrls = {} as Record<SubgraphName, string>;
  const subgraphServers = {} as Record<SubgraphName, RunningServer>;

  /** Starts one subgraph on its database and port, and remembers it for stopping. */
  async function start<Context extends object>(
    name: SubgraphName,
    migrationsDir: string,
    build: Parameters<typeof startSubgraphService<Context>>[0]['build'],
  ) {
    const databaseUrl = withDatabase(options.databaseServerUrl, `${options.databasePrefix}${name}`);
    const serve: ServeOptions = {
      port: options.subgraphPorts[name],
      host: '127.0.0.1',
      gatewaySecret: options.gatewaySecret,
      production: options.production,
      logger: options.logger.child(name),
    };
    const onQuery = options.onQuery;
    const server = await startSubgraphService({
      name,
      databaseUrl: options.routeDatabase === undefined ? databaseUrl : await options.routeDatabase(name, databaseUrl),
      migrationsDir,
      serve,
      build,
      ...(options.databasePoolSize === undefined ? {} : { maxConnections: options.databasePoolSize }),
      ...(onQuery === undefined ? {} : { onQuery: (sql: string) => onQuery(name, sql) }),
    });
    started.push(server);
    databaseUrls[name] = databaseUrl;
    subgraphUrls[name] = server.url;
    subgraphServers[name] = server;
    return server;
  }

  /** A client for calls from one subgraph to another (through `routeServiceCall` when given). */
  async function clientOf(service: SubgraphName) {
    const url = subgraphUrls[service];
    return createServiceClient({
      service,
      url: options.routeServiceCall === undefined ? url : await options.routeServiceCall(service, url),
      gatewaySecret: options.gatewaySecret,
      timeoutMs: options.serviceTimeoutMs,
    });
  }

  try {
    await start('users', USERS_MIGRATIONS_DIR, (db) =>
      createUsersSubgraph({
        db,
        kv: adapters.kv,
        pubsub: adapters.pubsub,
        rateLimiter: adapters.rateLimiter,
        attemptLimits: options.attemptLimits,
        tokens: {
          privateKeyPem: options.signingKeys.privateKeyPem,
          keyId: options.signingKeys.keyId,
          issuer: DEFAULT_TOKEN_ISSUER,
          audience: DEFAULT_TOKEN_AUDIENCE,
          ttlSeconds: options.tokenTtlSeconds,
        },
        passwordHashing: options.passwordHashing,
        logger: options.logger.child('users'),
        revocationRepublishIntervalMs: 60_000,
      }),
    );
    await start('inventory', INVENTORY_MIGRATIONS_DIR, (db) => createInventorySubgraph({ db }));
    await start('financial', FINANCIAL_MIGRATIONS_DIR, (db) => createFinancialSubgraph({ db }));
    await start('petitions', PETITIONS_MIGRATIONS_DIR, (db) =>
      createPetitionsSubgraph({
        db,
        pubsub: adapters.pubsub,
        rankedSets: adapters.rankedSets,
        kv: adapters.kv,
        logger: options.logger.child('petitions'),
        openListReconcileIntervalMs: options.openListReconcileIntervalMs,
        rateLimiter: adapters.rateLimiter,
        draftsPerHour: options.draftsPerHour,
      }),
    );
    const ordersPeers = {
      inventory: await clientOf('inventory'),
      financial: await clientOf('financial'),
      users: await clientOf('users'),
    };
    await start('orders', ORDERS_MIGRATIONS_DIR, (db, metrics) =>
      createOrdersSubgraph({
        metrics,
        rateLimiter: adapters.rateLimiter,
        db,
        ...ordersPeers,
        checkout: options.checkout,
        logger: options.logger.child('orders'),
      }),
    );
    const petitionsClient = await clientOf('petitions');
    await start('signatures', SIGNATURES_MIGRATIONS_DIR, (db, metrics) =>
      createSignaturesSubgraph({
        metrics,
        db,
        pubsub: adapters.pubsub,
        petitions: petitionsClient,
        logger: options.logger.child('signatures'),
        rankedSets: adapters.rankedSets,
        rateLimiter: adapters.rateLimiter,
        settings: options.signing,
      }),
    );
    const gateway = await serveGateway(await allInOneGatewayDeps(options, adapters, subgraphUrls), {
      port: options.gatewayPort,
      host: options.host,
      shutdownDelayMs: options.shutdownDelayMs,
    });
    started.push(gateway);
    return {
      gatewayUrl: gateway.url,
      gatewayMetricsUrl:
        gateway.metricsPort === undefined ? undefined : `http://${options.host}:${gateway.metricsPort}/metrics`,
      subgraphServers,
      subgraphUrls,
      databaseUrls,
      adapters,
      stop: () => stopAll(started, adapters),
    };
  } catch (error) {
    await stopAll(started, adapters);
    throw error;
  }
}

/** The gateway of the all-in-one setup, in front of `subgraphUrls` (a second one in a test too). */
export async function allInOneGatewayDeps(
  options: AgoraOptions,
  adapters: Adapters,
  subgraphUrls: Readonly<Record<SubgraphName, string>>,
): Promise<GatewayDeps> {
  return {
    supergraphSdl: await readFile(SUPERGRAPH_PATH, 'utf8'),
    subgraphUrls,
    gatewaySecret: options.gatewaySecret,
    tokens: {
      publicKeys: { [options.signingKeys.keyId]: options.signingKeys.publicKeyPem },
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
    },
    revocations: adapters.kv,
    pubsub: adapters.pubsub,
    coalesceMs: options.coalesceMs,
    queryLimits: options.queryLimits,
    connectionLimits: options.connectionLimits,
    production: options.production,
    subgraphTimeoutMs: options.gatewayTimeoutMs,
    ...options.gatewayTuning,
    maxBodyBytes: 100_000,
    corsOrigins: ['*'],
    trustedProxyHops: options.trustedProxyHops,
    metricsPort: options.gatewayMetricsPort,
    metricsOperationNames: options.metricsOperationNames,
    logger: options.logger.child('gateway'),
  };
}

/** The gateway first (it was started last), then the subgraphs, then the adapters. */
async function stopAll(started: RunningServer[], adapters: Adapters): Promise<void> {
  for (const server of [...started].reverse()) await server.stop();
  await adapters.close();
}
