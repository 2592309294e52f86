import pg from 'pg';
import { closedPort, createTestDatabase, routeThroughTcpFaultProxy, type TestDatabase } from '@agora/testkit';
import { createDb, isDatabaseUnavailable } from '../index.js';

/** What a promise rejected with (it must reject). */
async function rejectionOf(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('isDatabaseUnavailable', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('unavailable');
    await database.db.execute('CREATE TABLE things (id int PRIMARY KEY)');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('should be true when the server refuses the connection', async () => {
    const db = createDb({ connectionString: `postgres://postgres@127.0.0.1:${await closedPort()}/postgres` });
    try {
      expect(isDatabaseUnavailable(await rejectionOf(db.query('SELECT 1')))).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('should be true when the connection is reset and when no connection comes in time', async () => {
    const { url, proxy } = await routeThroughTcpFaultProxy(database.url);
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 200 });
    try {
      proxy.setMode('reset');
      const reset = await rejectionOf(pool.query('SELECT 1'));
      proxy.setMode('blackhole');
      const silent = await rejectionOf(pool.query('SELECT 1'));

      expect([isDatabaseUnavailable(reset), isDatabaseUnavailable(silent)]).toEqual([true, true]);
    } finally {
      proxy.setMode('pass');
      await pool.end();
      await proxy.stop();
    }
  });

  it('should be true when the server ends the session (57P01, as a restart or pg_terminate_backend does)', async () => {
    const client = new pg.Client({ connectionString: database.url, application_name: 'agora-terminated' });
    await client.connect();
    // The first error; the connection's end that follows is reported too.
    const ended = new Promise<unknown>((resolve) => client.on('error', resolve));
    const { pid } = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0] as { pid: number };

    await database.db.query('SELECT pg_terminate_backend($1)', [pid]);

    expect(isDatabaseUnavailable(await ended)).toBe(true);
  });

  it('should be false when the database refuses a statement', async () => {
    await database.db.execute('INSERT INTO things VALUES (1)');
    const duplicate = await rejectionOf(database.db.execute('INSERT INTO things VALUES (1)'));
    const unknownTable = await rejectionOf(database.db.query('SELECT * FROM nowhere'));
    const syntax = await rejectionOf(database.db.query('SELEC 1'));

    expect([duplicate, unknownTable, syntax].map(isDatabaseUnavailable)).toEqual([false, false, false]);
  });

  it('should be false for errors that are not the driver’s', () => {
    expect([new Error('boom'), null, 'ECONNRESET', { code: 42 }].map(isDatabaseUnavailable)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
