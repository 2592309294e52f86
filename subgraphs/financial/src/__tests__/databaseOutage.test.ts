import { createDb, runMigrations, type Db } from '@agora/db';
import {
  createTestDatabase,
  dataOf,
  errorCodes,
  eventually,
  routeThroughTcpFaultProxy,
  serveTestSubgraph,
  uniqueTag,
  type TcpFaultProxy,
  type TestDatabase,
  type TestSubgraph,
} from '@agora/testkit';
import { FINANCIAL_MIGRATIONS_DIR, createFinancialSubgraph } from '../subgraph.js';
import { someone } from './financialHarness.js';

/** The readiness probe's own deadline for the database (set on the pool below). */
const PING_TIMEOUT_MS = 300;
/** How soon after the database is back readiness must say so: the target is 1 s, this leaves room for a busy machine. */
const READY_AGAIN_DEADLINE_MS = 3_000;

const DEPOSIT = `mutation ($amount: Int!) { deposit(amount: $amount) { __typename ... on Account { balance { amount } } } }`;
const ACCOUNT = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { account { balance { amount } } } } }`;

describe('financial when its database is away', () => {
  let database: TestDatabase;
  let proxy: TcpFaultProxy;
  let db: Db;
  let financial: TestSubgraph;
  const applicationName = `agora-financial-${uniqueTag()}`;

  beforeAll(async () => {
    database = await createTestDatabase('financial_outage');
    await runMigrations(database.db, FINANCIAL_MIGRATIONS_DIR);
    const routed = await routeThroughTcpFaultProxy(database.url);
    proxy = routed.proxy;
    db = createDb({ connectionString: routed.url, applicationName, pingTimeoutMs: PING_TIMEOUT_MS });
    // As deployed: unknown errors masked.
    financial = await serveTestSubgraph(createFinancialSubgraph({ db }), { production: true });
  });

  afterEach(() => {
    proxy.setMode('pass');
  });

  afterAll(async () => {
    await financial.stop();
    await db.close();
    await proxy.stop();
    await database.drop();
  });

  async function health(probe: 'live' | 'ready', timeoutMs = PING_TIMEOUT_MS + 2_000): Promise<number> {
    const url = financial.url.replace(/\/graphql$/, `/health/${probe}`);
    return (await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })).status;
  }

  /** Waits for readiness to come back after the database did; how long it took. */
  async function readyAgain(): Promise<number> {
    const restored = Date.now();
    await eventually(async () => (await health('ready')) === 200, READY_AGAIN_DEADLINE_MS);
    return Date.now() - restored;
  }

  async function balanceOf(userId: string) {
    return (
      await database.db.queryOne<{ b: number }>('SELECT balance_amount AS b FROM accounts WHERE id = $1', [userId])
    )?.b;
  }

  it('should answer SERVICE_UNAVAILABLE and not be ready while the database is reset, and be ready again once it is back', async () => {
    const owner = someone();
    expect(dataOf(await financial.request(DEPOSIT, { amount: 100 }, owner))).toMatchObject({
      deposit: { __typename: 'Account' },
    });
    proxy.setMode('reset');

    const deposit = await financial.request(DEPOSIT, { amount: 50 }, owner);
    const read = await financial.request(ACCOUNT, { r: [{ __typename: 'User', id: owner.userId }] }, owner);

    expect([errorCodes(deposit), errorCodes(read)]).toEqual([['SERVICE_UNAVAILABLE'], ['SERVICE_UNAVAILABLE']]);
    expect([await health('ready'), await health('live')]).toEqual([503, 200]);
    proxy.setMode('pass');
    expect(await readyAgain()).toBeLessThan(READY_AGAIN_DEADLINE_MS);
    expect(dataOf(await financial.request(DEPOSIT, { amount: 25 }, owner))).toEqual({
      deposit: { __typename: 'Account', balance: { amount: 125 } },
    });
  });

  it('should stay up and answer SERVICE_UNAVAILABLE when the connection is cut inside a deposit', async () => {
    const owner = someone();
    await financial.request(DEPOSIT, { amount: 100 }, owner);
    let unlock!: () => void;
    const unlocked = new Promise<void>((resolve) => (unlock = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    // The account row is locked, so the deposit's transaction waits inside, on the server.
    const holder = database.db.transaction(async (tx) => {
      await tx.execute('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [owner.userId]);
      locked();
      await unlocked;
    });
    try {
      await lockTaken;
      const deposit = financial.request(DEPOSIT, { amount: 50 }, owner);
      await eventually(
        async () =>
          (
            await database.db.query(
              `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
              [applicationName],
            )
          ).length > 0,
      );

      proxy.setMode('reset');

      expect(errorCodes(await deposit)).toEqual(['SERVICE_UNAVAILABLE']);
    } finally {
      unlock();
      await holder;
    }
    expect(await health('live')).toBe(200);
    proxy.setMode('pass');
    await readyAgain();
    expect(dataOf(await financial.request(DEPOSIT, { amount: 25 }, owner))).toEqual({
      deposit: { __typename: 'Account', balance: { amount: 125 } },
    });
    expect(await balanceOf(owner.userId)).toBe(125);
  });

  it('should answer readiness 503 within its deadline while the database is silent, and 200 once it is back', async () => {
    expect(await health('ready')).toBe(200);
    proxy.setMode('blackhole');

    // Bounded by the fetch's own deadline: a probe that hung would fail here.
    expect(await health('ready', PING_TIMEOUT_MS + 2_000)).toBe(503);
    proxy.setMode('pass');
    expect(await readyAgain()).toBeLessThan(READY_AGAIN_DEADLINE_MS);
  });
});
