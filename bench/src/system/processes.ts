// The systems under test run as their own processes (as users run them), so the load
// generator never shares an event loop with what it measures.
import { spawn } from 'node:child_process';

/**
 * Node's flag that loads every @agora package from its dist/ (`npm run build`, which `npm run
 * bench` runs first): the processes under test run compiled JavaScript, as the image does, with
 * no transpiler or source maps of their own to pay for.
 */
export const COMPILED = '--conditions=agora-compiled';

export interface ServiceProcess {
  /** The URL the process printed when it was ready. */
  url: string;
  /** Everything it printed so far (for error messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A line the process prints once it serves, with the URL as the first group. */
  readyPattern: RegExp;
  timeoutMs?: number;
}

/** Starts `node <args>` and resolves once it printed its URL; rejects (and stops it) if it does not. */
export async function spawnUntilReady(options: SpawnOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Never outlive the bench: a process left holding its port would skew the next run.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
  }
  const timeoutMs = options.timeoutMs ?? 120_000;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const deadline = setTimeout(
        () => reject(new Error(`${options.name} did not start within ${timeoutMs / 1000} s:\n${output}`)),
        timeoutMs,
      );
      const check = () => {
        const url = options.readyPattern.exec(output)?.[1];
        if (url === undefined) return;
        clearTimeout(deadline);
        resolve(url);
      };
      child.stdout.on('data', check);
      void exited.then((code) => {
        clearTimeout(deadline);
        reject(new Error(`${options.name} exited with ${code} while starting:\n${output}`));
      });
    });
    return { url, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
