import { readConfig, readServiceConfig, type Env } from '@agora/config';
import type { Db } from '@agora/db';
import { createLogger, type Logger } from '../logger.js';
import { openDatabase } from '../openDatabase.js';
import { SUBGRAPH_MAX_BODY_BYTES, createSubgraphApollo } from '../subgraphServer.js';
import type { SubgraphDeployment } from '../subgraphDeployment.js';
import { createServiceMetrics } from '../telemetry/metrics.js';
import { createFunctionEdge, type ServedSubgraph } from './functionEdge.js';
import { createGcfHandler, type GcfHandler } from './gcfHandler.js';
import { createLambdaHandler, type LambdaHandler } from './lambdaHandler.js';

/** One instance's database pool: functions hold few connections, and give them back soon. */
export interface FunctionPoolSettings {
  /** DATABASE_POOL_MAX: 1, as Lambda (and Cloud Functions by default) send one request at a time. */
  maxConnections: number;
  /** DATABASE_IDLE_TIMEOUT_MS: 5 s, so an instance that stopped getting requests frees its connection. */
  idleTimeoutMs: number;
}

export function readFunctionPoolSettings(service: string, env: Env): FunctionPoolSettings {
  return readConfig(service, env, (r) => ({
    maxConnections: r.int('DATABASE_POOL_MAX', { default: 1, min: 1, max: 100 }),
    idleTimeoutMs: r.int('DATABASE_IDLE_TIMEOUT_MS', { default: 5_000, min: 100, max: 3_600_000 }),
  }));
}

export interface SubgraphFunctionOptions<Context extends object> {
  name: string;
  migrationsDir: string;
  /** Where the pool settings are read from (the subgraph's own settings are read by `setUp`). */
  env: Env;
  logger: Logger;
  /** Reads the configuration and opens the subgraph's dependencies; once per instance, at its first invocation. */
  setUp(): SubgraphDeployment<Context>;
}

/** What a scheduled `tick` reports (Lambda keeps it with the invocation; Cloud Functions drops it). */
export interface TickReport {
  service: string;
  tookMs: number;
}

export interface SubgraphFunction {
  /** Google Cloud Functions, HTTP trigger: the Functions Framework's `(req, res)`. */
  gcf: GcfHandler;
  /** AWS Lambda behind an API Gateway HTTP API (payload 2.0) or a function URL. */
  lambda: LambdaHandler;
  /** The subgraph's background work, one round, for a scheduler; whatever event it sends is ignored. */
  tick(event?: unknown): Promise<TickReport>;
  /** Ends the instance: Apollo, the pool, Redis (tests and benchmarks; a platform ends the process). */
  close(): Promise<void>;
}

interface Instance<Context extends object> extends ServedSubgraph<Context> {
  close(): Promise<void>;
}

/** Log lines as the platforms' log collectors read them: JSON in production. */
export function createFunctionLogger(service: string, env: Env): Logger {
  return createLogger({ service, format: env['NODE_ENV'] === 'production' ? 'json' : 'text' });
}

/**
 * A subgraph as serverless functions. Nothing happens at import: the first invocation of an
 * instance (its cold start) reads the configuration, opens and migrates the database, builds
 * the subgraph and starts Apollo; later (warm) invocations reuse all of it. A cold start
 * that fails is tried again by the next invocation. No timers and no subscriptions run
 * here, since a platform freezes an instance between invocations: `tick` does that work
 * when a scheduler calls it.
 */
export function createSubgraphFunction<Context extends object>(
  options: SubgraphFunctionOptions<Context>,
): SubgraphFunction {
  let starting: Promise<Instance<Context>> | undefined;
  const instance = () => {
    starting ??= startInstance(options).catch((error: unknown) => {
      starting = undefined;
      throw error;
    });
    return starting;
  };
  const answer = createFunctionEdge({
    name: options.name,
    gatewaySecret: () => readGatewaySecret(options.name, options.env),
    served: instance,
    maxBodyBytes: SUBGRAPH_MAX_BODY_BYTES,
    logger: options.logger,
  });
  return {
    gcf: createGcfHandler(answer),
    lambda: createLambdaHandler(answer),
    async tick() {
      const { subgraph } = await instance();
      const began = performance.now();
      await subgraph.tick?.();
      return { service: options.name, tookMs: Math.round(performance.now() - began) };
    },
    async close() {
      const current = await starting?.catch(() => undefined);
      starting = undefined;
      await current?.close();
    },
  };
}

async function startInstance<Context extends object>(
  options: SubgraphFunctionOptions<Context>,
): Promise<Instance<Context>> {
  const began = performance.now();
  const pool = readFunctionPoolSettings(options.name, options.env);
  const setup = options.setUp();
  let db: Db | undefined;
  try {
    db = await openDatabase({
      service: options.name,
      url: setup.databaseUrl,
      migrationsDir: options.migrationsDir,
      logger: options.logger,
      ...pool,
    });
    const subgraph = setup.build(db, createServiceMetrics(options.name));
    const apollo = createSubgraphApollo(subgraph, setup.service);
    await apollo.start();
    options.logger.info('cold start', { ms: Math.round(performance.now() - began) });
    const opened = db;
    return {
      subgraph,
      apollo,
      async close() {
        await apollo.stop();
        await opened.close();
        await setup.close?.();
      },
    };
  } catch (error) {
    await db?.close();
    await setup.close?.();
    throw error;
  }
}

/** GATEWAY_SECRET alone, read the way every service reads it, without setting anything up. */
function readGatewaySecret(service: string, env: Env): string {
  return readConfig(service, env, (r) => readServiceConfig(r, 0)).gatewaySecret;
}
