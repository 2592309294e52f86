// The gateway as its own process (`--service gateway`) in front of a test federation's
// subgraphs, for tests that kill it and start it again under a client.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestAgora } from '@agora/launcher/testing';
import { TEST_GATEWAY_SECRET, TEST_REDIS_URL } from '@agora/testkit';

const REPO_DIR = fileURLToPath(new URL('../../../', import.meta.url));

/** Every gateway process started here and not yet exited, so that a test cut short leaves none behind. */
const running = new Set<ChildProcess>();

/** Kills every gateway process still running (for afterAll: also those a timed-out test was starting). */
export async function killGatewayProcesses(): Promise<void> {
  await Promise.all([...running].map(kill));
}

/** The gateway as its own process (`--service gateway`), in front of the test federation's subgraphs. */
export async function startGatewayProcess(
  agora: TestAgora,
  port: number,
  redisPrefix: string,
): Promise<{ child: ChildProcess; metricsUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'launcher/src/main.ts', '--service', 'gateway'], {
    cwd: REPO_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      METRICS_PORT: '0',
      // So its metrics count the watcher's re-reads by name.
      METRICS_OPERATION_NAMES: 'CurrentCount,OpenPetitions',
      SHUTDOWN_DELAY_MS: '0',
      GATEWAY_SECRET: TEST_GATEWAY_SECRET,
      JWT_PUBLIC_KEY: agora.signingKeys.publicKeyPem,
      JWT_KEY_ID: agora.signingKeys.keyId,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      ...Object.fromEntries(
        Object.entries(agora.subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url]),
      ),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  // Logged once the gateway and its metrics both serve.
  const metricsUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind a failed test.
      child.kill('SIGKILL');
      reject(new Error(`The gateway did not start:\n${output}`));
    }, 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /gateway metrics ready \{"url":"(http:\/\/[^"]+)"\}/.exec(output);
      if (ready !== null) {
        clearTimeout(timer);
        resolve(ready[1] as string);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The gateway exited with ${code}:\n${output}`));
    });
  });
  return { child, metricsUrl };
}

/** How many times a gateway answered the query named `operationName` (CurrentCount, OpenPetitions), by its metrics. */
export async function queriesAnswered(metricsUrl: string, operationName: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text
    .split('\n')
    .find(
      (row) => row.startsWith('agora_graphql_operations_total{') && row.includes(`operation_name="${operationName}"`),
    );
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

export function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
