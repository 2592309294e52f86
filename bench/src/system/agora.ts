// The system under test: `npm start` (all-in-one) as its own process, on the local
// PostgreSQL and Redis, so the load generator does not share an event loop with it.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { dropDatabase, withDatabase } from '@agora/db';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER, type SigningKeys } from '@agora/service';
import { createTokenIssuer } from '@agora/users';

const LAUNCHER_DIR = fileURLToPath(new URL('../../launcher', import.meta.url));
const SUBGRAPH_NAMES = ['users', 'inventory', 'orders', 'financial', 'petitions', 'signatures'];

export interface BenchTargets {
  /** A PostgreSQL server on this machine (trust auth), e.g. postgres://postgres@127.0.0.1:5432. */
  databaseServerUrl: string;
  redisUrl: string;
}

export interface AgoraUnderTest {
  gatewayUrl: string;
  databaseUrl(subgraph: string): string;
  /** A session token for a user who need not exist, signed with the process's keys. */
  mintToken(userId: string): Promise<string>;
  stop(): Promise<void>;
}

function refuseRemote(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    throw new Error(`Benchmarks run against this machine only; ${host} is not it.`);
  }
}

/** Starts Agora with Redis and generous signing limits (the bench is one address, few users). */
export async function startAgoraUnderTest(targets: BenchTargets, log: (line: string) => void): Promise<AgoraUnderTest> {
  refuseRemote(targets.databaseServerUrl);
  refuseRemote(targets.redisUrl);
  const tag = randomBytes(4).toString('hex');
  const databasePrefix = `agora_bench_${tag}_`;
  const redisPrefix = `agora-bench-${tag}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'agora-bench-'));
  // BENCH_PROFILE=<folder>: a CPU profile of Agora's process lands there when it stops.
  const profile = process.env['BENCH_PROFILE'];
  const nodeArgs = profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profile)}`];
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
    cwd: LAUNCHER_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      APOLLO_TELEMETRY_DISABLED: '1',
      AGORA_DATA_DIR: dataDir,
      DATABASE_URL: targets.databaseServerUrl,
      DATABASE_PREFIX: databasePrefix,
      REDIS_URL: targets.redisUrl,
      REDIS_PREFIX: redisPrefix,
      PORT: '0',
      SUBGRAPH_BASE_PORT: '0',
      METRICS_PORT: '0',
      SEED_DEMO_DATA: 'false',
      SIGN_LIMIT_PER_USER: '100000',
      SIGN_LIMIT_PER_ADDRESS: '10000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  async function cleanUp(): Promise<void> {
    await Promise.all(
      SUBGRAPH_NAMES.map((name) => dropDatabase(withDatabase(targets.databaseServerUrl, databasePrefix + name))),
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

  async function stop(): Promise<void> {
    if (child.exitCode === null) child.kill('SIGINT');
    await exited;
    await cleanUp();
  }

  const gatewayUrl = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`Agora did not start within 120 s:\n${output}`)), 120_000);
    const check = () => {
      const match = /GraphQL \+ Apollo Sandbox: (http:\/\/\S+)/.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(deadline);
      resolve(match[1]);
    };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`Agora exited with ${code} while starting:\n${output}`)));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  log(`Agora (all-in-one, Redis) is up at ${gatewayUrl}`);

  const state = JSON.parse(await readFile(`${dataDir}/state.json`, 'utf8')) as { signingKeys: SigningKeys };
  const tokens = createTokenIssuer({
    privateKeyPem: state.signingKeys.privateKeyPem,
    keyId: state.signingKeys.keyId,
    issuer: DEFAULT_TOKEN_ISSUER,
    audience: DEFAULT_TOKEN_AUDIENCE,
    ttlSeconds: 3600,
  });
  return {
    gatewayUrl,
    databaseUrl: (subgraph) => withDatabase(targets.databaseServerUrl, databasePrefix + subgraph),
    mintToken: async (userId) => (await tokens.issue(userId, randomUUID(), tokens.expiryFrom(new Date()))).token,
    stop,
  };
}
