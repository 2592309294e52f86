import {
  createTestDatabase,
  eventually,
  routeThroughTcpFaultProxy,
  uniqueTag,
  type TcpFaultProxy,
  type TestDatabase,
} from '@agora/testkit';
import { createDb, isDatabaseUnavailable, type Db } from '../index.js';

/** The deadline these tests give `ping()`; answers are expected well within a few of it. */
const PING_TIMEOUT_MS = 300;

/** A promise and the function that settles it, for holding work at a point of the test's choosing. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('createDb when the connection to PostgreSQL fails', () => {
  let database: TestDatabase;
  let proxy: TcpFaultProxy;
  let db: Db;
  let idleErrors: Error[];
  const applicationName = `agora-faults-${uniqueTag()}`;

  beforeAll(async () => {
    database = await createTestDatabase('faults');
    await database.db.execute('CREATE TABLE things (id int PRIMARY KEY, n int NOT NULL)');
    await database.db.execute('INSERT INTO things VALUES (1, 0)');
    const routed = await routeThroughTcpFaultProxy(database.url);
    proxy = routed.proxy;
    db = createDb({
      connectionString: routed.url,
      maxConnections: 3,
      applicationName,
      pingTimeoutMs: PING_TIMEOUT_MS,
      onIdleError: (error) => idleErrors.push(error),
    });
  });

  beforeEach(() => {
    idleErrors = [];
  });

  afterEach(() => {
    proxy.setMode('pass');
  });

  afterAll(async () => {
    await db.close();
    await proxy.stop();
    await database.drop();
  });

  /** Our backends as the server sees them (through the direct connection, not the proxy). */
  function backends() {
    return database.db.query<{ pid: number; state: string; wait_event_type: string | null }>(
      'SELECT pid, state, wait_event_type FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
  }

  /** A statement's error, or null when it succeeded. */
  function failureOf(work: Promise<unknown>): Promise<unknown> {
    return work.then(
      () => null,
      (error: unknown) => error,
    );
  }

  async function expectServing() {
    await eventually(async () => (await failureOf(db.ping())) === null);
    expect(await db.transaction((tx) => tx.query<{ n: number }>('SELECT n FROM things WHERE id = 1'))).toEqual([
      { n: 0 },
    ]);
  }

  it('should reject the transaction, not end the process, when its connection is reset mid-statement', async () => {
    const locked = gate();
    const unlock = gate();
    // The row is locked, so the transaction's UPDATE waits on the server while the connection is cut.
    const holder = database.db.transaction(async (tx) => {
      await tx.execute('SELECT 1 FROM things WHERE id = 1 FOR UPDATE');
      locked.open();
      await unlock.opened;
    });
    let error: unknown;
    try {
      await locked.opened;
      const outcome = failureOf(
        db.transaction(async (tx) => {
          await tx.execute('UPDATE things SET n = n + 1 WHERE id = 1');
        }),
      );
      await eventually(async () => (await backends()).some((backend) => backend.wait_event_type === 'Lock'));

      proxy.setMode('reset');
      error = await outcome;
    } finally {
      unlock.open();
      await holder;
    }

    expect(isDatabaseUnavailable(error)).toBe(true);
    proxy.setMode('pass');
    await expectServing();
  });

  it('should reject the transaction when its backend is terminated between statements', async () => {
    const terminated = gate();
    const outcome = failureOf(
      db.transaction(async (tx) => {
        await tx.execute('UPDATE things SET n = n + 1 WHERE id = 1');
        await terminated.opened;
        await tx.execute('UPDATE things SET n = n + 1 WHERE id = 1');
      }),
    );
    await eventually(async () => (await backends()).some((backend) => backend.state === 'idle in transaction'));
    const [inTransaction] = (await backends()).filter((backend) => backend.state === 'idle in transaction');

    await database.db.query('SELECT pg_terminate_backend($1, 5000)', [inTransaction?.pid]);
    terminated.open();

    expect(isDatabaseUnavailable(await outcome)).toBe(true);
    // Rolled back with its backend: the first UPDATE is not there.
    await expectServing();
  });

  it('should drop idle connections that are reset and serve again on new ones', async () => {
    const together = gate();
    let entered = 0;
    // Three transactions at once leave three connections idle in the pool.
    const held = [1, 2, 3].map(() =>
      db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        entered += 1;
        await together.opened;
      }),
    );
    await eventually(async () => entered === 3);
    together.open();
    await Promise.all(held);
    expect(db.poolStats().idle).toBe(3);

    proxy.setMode('reset');
    await eventually(async () => db.poolStats().total === 0);

    expect(idleErrors.length).toBe(3);
    expect(idleErrors.every((error) => isDatabaseUnavailable(error))).toBe(true);
    expect(isDatabaseUnavailable(await failureOf(db.query('SELECT 1')))).toBe(true);
    proxy.setMode('pass');
    await expectServing();
  });

  it('should answer ping with a refusal within its deadline when the database is silent', async () => {
    await db.ping();
    proxy.setMode('blackhole');

    const started = Date.now();
    // Pings on a connection left idle and on a new one alike: neither ever gets an answer.
    const results = await Promise.allSettled([db.ping(), db.ping()]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(Date.now() - started).toBeLessThan(PING_TIMEOUT_MS + 2_000);
    proxy.setMode('pass');
    await expectServing();
  });
});
