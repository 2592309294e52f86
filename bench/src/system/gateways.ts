// The gateways compared side by side, each as its own process in front of the same subgraphs.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUPERGRAPH_PATH } from '@agora/schema';
import { grafbaseInstalled, startGrafbaseGateway } from '../peers/grafbaseGateway.js';
import { GATEWAY_ADDRESS_CAPS_OUT_OF_REACH, type AgoraUnderTest } from './agora.js';
import { COMPILED, spawnUntilReady, type ServiceProcess } from './processes.js';

export type GatewayKind = 'agora' | 'apollo' | 'hive' | 'grafbase';

export const GATEWAY_LABELS: Record<GatewayKind, string> = {
  agora: 'Agora gateway (as shipped)',
  apollo: 'stock @apollo/gateway (defaults)',
  hive: 'Hive Gateway (defaults)',
  grafbase: 'Grafbase (grafbase dev, defaults)',
};

/**
 * Whether the gateway takes a GET with only an automatic persisted query's hash. Apollo Server
 * (ours and stock) does by default; Hive and Grafbase need it configured, so they are measured by
 * POST only, with their defaults.
 */
export const TAKES_PERSISTED_GET: Record<GatewayKind, boolean> = {
  agora: true,
  apollo: true,
  hive: false,
  grafbase: false,
};

const REPO_DIR = fileURLToPath(new URL('../../../', import.meta.url));
const HIVE_SCRIPT = fileURLToPath(new URL('../../peers/hiveGateway.mjs', import.meta.url));
const HIVE_INSTALLED = fileURLToPath(new URL('../../peers/node_modules/.package-lock.json', import.meta.url));

/** Subgraph URL overrides (USERS_URL, …) and the secret, which every gateway here reads alike. */
function subgraphEnv(agora: AgoraUnderTest): Record<string, string> {
  return {
    GATEWAY_SECRET: agora.gatewaySecret,
    SUPERGRAPH_PATH,
    ...Object.fromEntries(Object.entries(agora.subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url])),
  };
}

/** Whether Hive Gateway is installed (`npm run bench` installs it in bench/peers on first use). */
export async function hiveInstalled(): Promise<boolean> {
  return access(HIVE_INSTALLED).then(
    () => true,
    () => false,
  );
}

/** The gateways this machine can compare: Agora's and stock Apollo always, the bench/peers ones once installed. */
export async function installedGateways(): Promise<GatewayKind[]> {
  const [hive, grafbase] = await Promise.all([hiveInstalled(), grafbaseInstalled()]);
  return ['agora', 'apollo', ...(hive ? (['hive'] as const) : []), ...(grafbase ? (['grafbase'] as const) : [])];
}

/** BENCH_PROFILE=<folder>: a CPU profile of each gateway lands there when it stops, as for the subgraphs. */
function profileArgs(): string[] {
  const profile = process.env['BENCH_PROFILE'];
  return profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profile)}`];
}

export function startGateway(kind: GatewayKind, agora: AgoraUnderTest): Promise<ServiceProcess> {
  const base = { ...process.env, ...subgraphEnv(agora), PORT: '0', HOST: '127.0.0.1', APOLLO_TELEMETRY_DISABLED: '1' };
  switch (kind) {
    case 'agora':
      return spawnUntilReady({
        name: GATEWAY_LABELS.agora,
        args: [...profileArgs(), COMPILED, 'launcher/dist/main.js', '--service', 'gateway'],
        cwd: REPO_DIR,
        env: {
          ...base,
          NODE_ENV: 'production',
          JWT_PUBLIC_KEY: agora.signingKeys.publicKeyPem,
          JWT_KEY_ID: agora.signingKeys.keyId,
          REDIS_URL: agora.redisUrl,
          REDIS_PREFIX: agora.redisPrefix,
          METRICS_PORT: '0',
          SHUTDOWN_DELAY_MS: '0',
          ...GATEWAY_ADDRESS_CAPS_OUT_OF_REACH,
        },
        readyPattern: /gateway ready.*?(http:\/\/[^"\s]+)/,
      });
    case 'apollo':
      return spawnUntilReady({
        name: GATEWAY_LABELS.apollo,
        args: [...profileArgs(), COMPILED, 'bench/dist/peers/apolloGateway.js'],
        cwd: REPO_DIR,
        env: { ...base, NODE_ENV: 'production' },
        readyPattern: /apollo gateway listening on (http:\/\/\S+)/,
      });
    case 'hive':
      return spawnUntilReady({
        name: GATEWAY_LABELS.hive,
        args: [...profileArgs(), HIVE_SCRIPT],
        cwd: REPO_DIR,
        env: { ...base, NODE_ENV: 'production' },
        readyPattern: /hive gateway listening on (http:\/\/\S+)/,
      });
    case 'grafbase':
      return startGrafbaseGateway({ gatewaySecret: agora.gatewaySecret, subgraphUrls: agora.subgraphUrls });
  }
}
