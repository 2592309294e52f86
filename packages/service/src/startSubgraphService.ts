import type { Db } from '@agora/db';
import { openDatabase } from './openDatabase.js';
import type { RunningServer } from './http/httpServer.js';
import { serveSubgraph, type ServeOptions, type SubgraphDefinition } from './subgraphServer.js';
import { createServiceMetrics, type ServiceMetrics } from './telemetry/metrics.js';
import { Gauge } from 'prom-client';

export interface SubgraphServiceOptions<Context extends object> {
  name: string;
  /** The subgraph's own database. */
  databaseUrl: string;
  migrationsDir: string;
  serve: ServeOptions;
  maxConnections?: number;
  onQuery?: (sql: string) => void;
  /** Builds the subgraph once its database is migrated; its own instruments go on `metrics`. */
  build(db: Db, metrics: ServiceMetrics): SubgraphDefinition<Context>;
}

/**
 * One subgraph up and serving: its database opened and migrated, the subgraph built,
 * HTTP listening. `stop()` drains requests first, then closes the pool. Used the same
 * way by a service's own process and by the all-in-one launcher.
 */
export async function startSubgraphService<Context extends object>(
  options: SubgraphServiceOptions<Context>,
): Promise<RunningServer> {
  const { name, databaseUrl, migrationsDir, maxConnections, onQuery } = options;
  const db = await openDatabase({
    service: name,
    url: databaseUrl,
    migrationsDir,
    logger: options.serve.logger,
    ...(maxConnections === undefined ? {} : { maxConnections }),
    ...(onQuery === undefined ? {} : { onQuery }),
  });
  const metrics = createServiceMetrics(name);
  watchPool(db, metrics);
  let server: RunningServer;
  try {
    server = await serveSubgraph(options.build(db, metrics), { ...options.serve, metrics });
  } catch (error) {
    await db.close();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    /** Drains requests, then closes the pool; stopping twice waits for the first. */
    stop() {
      stopped ??= server.stop().then(() => db.close());
      return stopped;
    },
  };
}

/** The pool's connections, read at each scrape: a pool always full with requests waiting is the bottleneck. */
function watchPool(db: Db, metrics: ServiceMetrics): void {
  new Gauge({
    name: 'agora_db_pool_connections',
    help: "The database pool's connections by state (idle, busy) and requests waiting for one.",
    labelNames: ['state'],
    registers: [metrics.registry],
    collect() {
      const { total, idle, waiting } = db.poolStats();
      this.set({ state: 'idle' }, idle);
      this.set({ state: 'busy' }, total - idle);
      this.set({ state: 'waiting' }, waiting);
    },
  });
}
