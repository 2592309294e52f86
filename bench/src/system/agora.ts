// The subgraphs under test: `npm start` (all-in-one) as its own process on the local
// PostgreSQL and Redis, production settings, subgraphs on known ports so that every
// gateway in the comparison (ours, the peers) can be pointed at the same ones.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { dropDatabase, withDatabase } from '@agora/db';
import { SUBGRAPHS, type SubgraphName } from '@agora/schema';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER, type SigningKeys } from '@agora/service';
import { freePortsOutsideEphemeralRange } from '@agora/testkit';
import { createTokenIssuer } from '@agora/users';
import { refuseRemote } from '../load/closedLoop.js';
import { COMPILED, spawnUntilReady } from './processes.js';

const LAUNCHER_DIR = fileURLToPath(new URL('../../../launcher', import.meta.url));

export interface BenchTargets {
  /** A PostgreSQL server on this machine (trust auth), e.g. postgres://postgres@127.0.0.1:5432/postgres. */
  databaseServerUrl: string;
  redisUrl: string;
}

export interface AgoraUnderTest {
  /** The all-in-one's own gateway (in the subgraphs' process; the comparisons start their own). */
  gatewayUrl: string;
  /** The all-in-one's process id (all six subgraphs); a restart changes it. */
  processId: number;
  subgraphUrls: Record<SubgraphName, string>;
  gatewaySecret: string;
  signingKeys: SigningKeys;
  redisUrl: string;
  redisPrefix: string;
  /** Every database of this run is named with it (then the subgraph's name). */
  databasePrefix: string;
  databaseUrl(subgraph: SubgraphName): string;
  /** A session token for a user who need not exist, signed with the process's keys. */
  mintToken(userId: string): Promise<string>;
  /** Stops the process and starts it again on the same databases and ports, with `env` added. */
  restart(env: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Production settings as shipped (every limit on), except the per-address limits: the
 * whole load comes from one address here, where in production it would come from thousands.
 */
function benchEnv(
  targets: BenchTargets,
  dataDir: string,
  databasePrefix: string,
  redisPrefix: string,
  basePort: number,
) {
  return {
    ...process.env,
    NODE_ENV: 'production',
    APOLLO_TELEMETRY_DISABLED: '1',
    AGORA_DATA_DIR: dataDir,
    GATEWAY_SECRET: randomBytes(24).toString('hex'),
    DATABASE_URL: targets.databaseServerUrl,
    DATABASE_PREFIX: databasePrefix,
    REDIS_URL: targets.redisUrl,
    REDIS_PREFIX: redisPrefix,
    PORT: '0',
    SUBGRAPH_BASE_PORT: String(basePort),
    METRICS_PORT: '0',
    // Never used here; 4080 would clash with anything else on this machine serving the web app.
    WEB_PORT: '0',
    SHUTDOWN_DELAY_MS: '0',
    SEED_DEMO_DATA: 'false',
    SIGN_LIMIT_PER_ADDRESS: '100000000',
    REGISTER_LIMIT_PER_ADDRESS: '100000000',
    LOGIN_FAILURE_LIMIT_PER_ADDRESS: '100000000',
    CHECKOUT_LIMIT_PER_ADDRESS: '100000000',
    DRAFT_LIMIT_PER_HOUR: '100000',
    ...GATEWAY_ADDRESS_CAPS_OUT_OF_REACH,
  };
}

/** The gateway's caps per client address, out of the bench's reach (its whole load comes from one address). */
export const GATEWAY_ADDRESS_CAPS_OUT_OF_REACH = {
  MAX_CONNECTIONS_PER_ADDRESS: '1000000',
  SUBSCRIPTIONS_PER_ADDRESS: '1000000',
};

export async function startAgoraUnderTest(targets: BenchTargets, log: (line: string) => void): Promise<AgoraUnderTest> {
  refuseRemote(targets.databaseServerUrl);
  refuseRemote(targets.redisUrl);
  const tag = randomBytes(4).toString('hex');
  const databasePrefix = `agora_bench_${tag}_`;
  const redisPrefix = `agora-bench-${tag}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'agora-bench-'));
  const basePort = await freePortsOutsideEphemeralRange(SUBGRAPHS.length);
  const env = benchEnv(targets, dataDir, databasePrefix, redisPrefix, basePort);
  // BENCH_PROFILE=<folder>: a CPU profile of the process lands there when it stops.
  const profile = process.env['BENCH_PROFILE'];
  const nodeArgs = profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profile)}`];

  async function cleanUp(): Promise<void> {
    await Promise.all(
      SUBGRAPHS.map(({ name }) => dropDatabase(withDatabase(targets.databaseServerUrl, databasePrefix + name))),
    );
    const redis = new Redis(targets.redisUrl);
    try {
      const keys = await redis.keys(`${redisPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      await redis.quit();
    }
    await rm(dataDir, { recursive: true, force: true });
  }

  const start = (extraEnv: Record<string, string>) =>
    spawnUntilReady({
      name: 'Agora (all-in-one)',
      args: [...nodeArgs, COMPILED, 'dist/main.js'],
      cwd: LAUNCHER_DIR,
      env: { ...env, ...extraEnv },
      readyPattern: /GraphQL \+ Apollo Sandbox: (http:\/\/\S+)/,
    });
  let agora = await start({}).catch(async (error: unknown) => {
    await cleanUp();
    throw error;
  });
  log(`Agora (all-in-one, production settings, Redis) is up at ${agora.url}`);

  const state = JSON.parse(await readFile(`${dataDir}/state.json`, 'utf8')) as { signingKeys: SigningKeys };
  const tokens = createTokenIssuer({
    privateKeyPem: state.signingKeys.privateKeyPem,
    keyId: state.signingKeys.keyId,
    issuer: DEFAULT_TOKEN_ISSUER,
    audience: DEFAULT_TOKEN_AUDIENCE,
    ttlSeconds: 3600,
  });
  return {
    get gatewayUrl() {
      return agora.url;
    },
    get processId() {
      return agora.pid;
    },
    subgraphUrls: Object.fromEntries(
      SUBGRAPHS.map(({ name }, index) => [name, `http://127.0.0.1:${basePort + index}/graphql`]),
    ) as Record<SubgraphName, string>,
    gatewaySecret: env.GATEWAY_SECRET,
    signingKeys: state.signingKeys,
    redisUrl: targets.redisUrl,
    redisPrefix,
    databasePrefix,
    databaseUrl: (subgraph) => withDatabase(targets.databaseServerUrl, databasePrefix + subgraph),
    mintToken: async (userId) => (await tokens.issue(userId, randomUUID(), tokens.expiryFrom(new Date()))).token,
    async restart(extraEnv) {
      await agora.stop();
      agora = await start(extraEnv);
    },
    async stop() {
      await agora.stop();
      await cleanUp();
    },
  };
}
