import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { silentLogger } from '@agora/service';
import { dataOf, describeSubgraphFunctionContract, startTestFunction, type TestFunction } from '@agora/testkit';
import { createOrdersFunction } from '../function.js';
import { ORDERS_MIGRATIONS_DIR, ORDERS_SCHEMA_PATH } from '../subgraph.js';

/** Financial across the process edge, as recovery asks it: it never charged any order. */
async function startNeverChargedFinancial(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { settleOrderCharge: { payment: null } } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

/** A peer these tests never reach (port 9 discards). */
const NOWHERE = 'http://127.0.0.1:9/graphql';

let harness: TestFunction;
let financial: { url: string; server: Server };

beforeAll(async () => {
  financial = await startNeverChargedFinancial();
  harness = await startTestFunction('orders', (env) => createOrdersFunction(env, silentLogger), {
    INVENTORY_URL: NOWHERE,
    USERS_URL: NOWHERE,
    FINANCIAL_URL: financial.url,
    SERVICE_TIMEOUT_MS: '500',
  });
});

afterAll(async () => {
  await harness.stop();
  await new Promise((resolve) => financial.server.close(resolve));
});

describeSubgraphFunctionContract('orders', {
  schemaPath: ORDERS_SCHEMA_PATH,
  migrationsDir: ORDERS_MIGRATIONS_DIR,
  harness: () => harness,
});

describe('orders function', () => {
  /** An order row as checkout writes it, `ageMs` since it last changed. */
  async function insertOrder(userId: string, status: 'PAID' | 'PENDING', ageMs: number): Promise<string> {
    await harness.coldStart();
    const row = await harness.database.db.queryOne<{ id: string }>(
      `INSERT INTO orders (user_id, idempotency_key, status, total_amount, currency, updated_at, stock_settled)
       VALUES ($1, $2, $3, 4200, 'EUR', now() - make_interval(secs => $4::float / 1000), $5) RETURNING id`,
      [userId, randomUUID(), status, ageMs, status === 'PAID'],
    );
    return row?.id as string;
  }

  async function statusOf(orderId: string): Promise<string | undefined> {
    const row = await harness.database.db.queryOne<{ status: string }>('SELECT status FROM orders WHERE id = $1', [
      orderId,
    ]);
    return row?.status;
  }

  it.each(['gcf', 'lambda'] as const)("should list the buyer's orders through the %s handler", async (platform) => {
    const buyer = { userId: randomUUID(), sessionId: randomUUID() };
    const orderId = await insertOrder(buyer.userId, 'PAID', 0);
    const result = await harness[platform].request(
      `query ($r: [_Any!]!) {
        _entities(representations: $r) { ... on User { orders(first: 5) { totalCount nodes { id status total { amount currency } } } } }
      }`,
      { r: [{ __typename: 'User', id: buyer.userId }] },
      buyer,
    );
    expect(dataOf(result)).toEqual({
      _entities: [
        {
          orders: { totalCount: 1, nodes: [{ id: orderId, status: 'PAID', total: { amount: 4200, currency: 'EUR' } }] },
        },
      ],
    });
  });

  it('should end a checkout left pending past its deadline when ticked', async () => {
    const stale = await insertOrder(randomUUID(), 'PENDING', 3_600_000);
    const fresh = await insertOrder(randomUUID(), 'PENDING', 0);
    await harness.fn.tick();
    expect({ stale: await statusOf(stale), fresh: await statusOf(fresh) }).toEqual({
      stale: 'ABANDONED',
      fresh: 'PENDING',
    });
  });
});
