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
  /** Its process id, to read its CPU time from /proc. */
  pid: number;
  /** Everything it printed so far (for error messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /** The executable; Node (this one) unless said, since most processes here are Node's. */
  command?: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A line the process prints once it serves, with the URL as the first group. */
  readyPattern: RegExp;
  timeoutMs?: number;
}

/** Terminal colour and cursor codes: a native binary may print its ready line in colour. */
// eslint-disable-next-line no-control-regex -- these codes start with ESC, which is the point
const ANSI_ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Starts `node <args>` (or `command <args>`) and resolves once it printed its URL; rejects (and stops it) if it does not. */
export async function spawnUntilReady(options: SpawnOptions): Promise<ServiceProcess> {
  const child = spawn(options.command ?? process.execPath, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let raw = '';
  child.stdout.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  // Stripped of escapes as a whole, not chunk by chunk: a chunk can end inside an escape.
  const output = () => raw.replace(ANSI_ESCAPES, '');
  // 'error' instead of 'exit' when the executable could not be started at all (e.g. not installed).
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', resolve);
    child.once('error', (error) => {
      raw += `${error.message}\n`;
      resolve(null);
    });
  });
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
        () => reject(new Error(`${options.name} did not start within ${timeoutMs / 1000} s:\n${output()}`)),
        timeoutMs,
      );
      const check = () => {
        const url = options.readyPattern.exec(output())?.[1];
        if (url === undefined) return;
        clearTimeout(deadline);
        // Once ready, the pattern is not looked for again in whatever the process prints next.
        child.stdout.off('data', check);
        resolve(url);
      };
      child.stdout.on('data', check);
      void exited.then((code) => {
        clearTimeout(deadline);
        reject(new Error(`${options.name} exited with ${code} while starting:\n${output()}`));
      });
    });
    // A process that printed its URL has a pid: spawn leaves it undefined only when it never started.
    return { url, pid: child.pid as number, output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
