import pg from 'pg';

/** Something that runs SQL: the pool itself or one transaction's connection. */
export interface Sql {
  /** Rows of a statement, as plain objects. */
  query<Row extends pg.QueryResultRow>(text: string, values?: readonly unknown[]): Promise<Row[]>;
  /** The first row, or null when there is none. */
  queryOne<Row extends pg.QueryResultRow>(text: string, values?: readonly unknown[]): Promise<Row | null>;
  /** How many rows a statement touched. */
  execute(text: string, values?: readonly unknown[]): Promise<number>;
}

export interface Db extends Sql {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * When the connection is lost on the way (a restart, a reset, `pg_terminate_backend`), it
   * rejects with the driver's error (`isDatabaseUnavailable` says true) and the connection is
   * closed, not given back to the pool; a COMMIT cut off so may or may not have applied.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Resolves when the database answers `SELECT 1` through the pool within `pingTimeoutMs`,
   * rejects otherwise, never later: what a readiness probe asks.
   */
  ping(): Promise<void>;
  /** The pool's connections now: open in all, idle among them, and requests waiting for one. */
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface DbOptions {
  connectionString: string;
  /** Pool size; a subgraph's default suits one long-lived process. */
  maxConnections?: number;
  /** How long an unused connection stays open (10 s when undefined); functions give theirs back sooner. */
  idleTimeoutMs?: number;
  /** Shown in pg_stat_activity, so a busy connection names its service. */
  applicationName?: string;
  /** Called for every statement sent; tests count round trips with it. */
  onQuery?: (text: string) => void;
  /** Called when an idle pooled connection fails (the server restarted, say). */
  onIdleError?: (error: Error) => void;
  /** How long `ping()` waits for a connection and its answer (1 s when undefined: a probe's usual deadline). */
  pingTimeoutMs?: number;
}

const DEFAULT_PING_TIMEOUT_MS = 1_000;

export function createDb(options: DbOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
    application_name: options.applicationName ?? 'agora',
    connectionTimeoutMillis: 10_000,
  });
  // An idle client's error would otherwise be an unhandled 'error' event and kill the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  const onQuery = options.onQuery ?? (() => {});
  const pingTimeoutMs = options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;

  function sqlOn(runner: pg.Pool | pg.PoolClient): Sql {
    async function run<Row extends pg.QueryResultRow>(text: string, values?: readonly unknown[]) {
      onQuery(text);
      return runner.query<Row>(text, values as unknown[] | undefined);
    }
    return {
      query: async <Row extends pg.QueryResultRow>(text: string, values?: readonly unknown[]) =>
        (await run<Row>(text, values)).rows,
      queryOne: async <Row extends pg.QueryResultRow>(text: string, values?: readonly unknown[]) =>
        (await run<Row>(text, values)).rows[0] ?? null,
      execute: async (text: string, values?: readonly unknown[]) => (await run(text, values)).rowCount ?? 0,
    };
  }

  return {
    ...sqlOn(pool),
    async transaction(work) {
      const client = await pool.connect();
      // The pool watches only its idle clients: without a listener of our own, this one's
      // connection failing would be an unhandled 'error' event, which ends the process. The
      // statement in flight, if any, rejects with the same error.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost ??= error;
      };
      client.on('error', onError);
      const tx = sqlOn(client);
      try {
        await tx.execute('BEGIN');
        const result = await work(tx);
        await tx.execute('COMMIT');
        return result;
      } catch (error) {
        if (lost === undefined) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => {
            lost = rollbackError;
          });
        }
        throw error;
      } finally {
        client.off('error', onError);
        // With an error, the pool closes the client instead of handing it to the next caller.
        client.release(lost);
      }
    },
    async ping() {
      // `query_timeout` bounds the statement (and pool.query closes a client that timed out);
      // the race bounds the wait for a connection too, which the pool would let last 10 s.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the database did not answer SELECT 1 within ${pingTimeoutMs} ms`)),
          pingTimeoutMs,
        );
      });
      // node-postgres reads `query_timeout` per statement too; its types know it only per client.
      const probe: pg.QueryConfig & { query_timeout: number } = { text: 'SELECT 1', query_timeout: pingTimeoutMs };
      onQuery(probe.text);
      try {
        await Promise.race([pool.query(probe), deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}

/** PostgreSQL's SQLSTATE of an error thrown by the driver, if it has one. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = '23505';
