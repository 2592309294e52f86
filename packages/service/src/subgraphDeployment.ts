import type { ServiceConfig } from '@agora/config';
import type { Db } from '@agora/db';
import type { Logger } from './logger.js';
import type { Stoppable } from './runService.js';
import { startSubgraphService } from './startSubgraphService.js';
import type { SubgraphDefinition } from './subgraphServer.js';
import type { ServiceMetrics } from './telemetry/metrics.js';

/**
 * A subgraph as its own deployment makes it from its environment: its settings, what it opens
 * besides its database (Redis, clients of its peers), and how it is built. The long-lived
 * service (`index.ts`) and the function (`function.ts`) start from the same one.
 */
export interface SubgraphDeployment<Context extends object> {
  service: ServiceConfig;
  databaseUrl: string;
  /** Builds the subgraph once its database is migrated; its own instruments go on `metrics`. */
  build(db: Db, metrics: ServiceMetrics): SubgraphDefinition<Context>;
  /** Closes what the deployment opened (Redis connections), after the subgraph has stopped. */
  close?(): Promise<void>;
}

/** Serves a deployment as a long-lived process: migrated, listening, and stopped in order. */
export async function serveSubgraphDeployment<Context extends object>(
  name: string,
  migrationsDir: string,
  deployment: SubgraphDeployment<Context>,
  logger: Logger,
): Promise<Stoppable> {
  try {
    const service = await startSubgraphService({
      name,
      databaseUrl: deployment.databaseUrl,
      migrationsDir,
      serve: { ...deployment.service, logger },
      build: deployment.build,
    });
    return {
      async stop() {
        await service.stop();
        await deployment.close?.();
      },
    };
  } catch (error) {
    await deployment.close?.();
    throw error;
  }
}
