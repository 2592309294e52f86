import { databaseName } from '@agora/db';
import { dataOf, errorCodes, eventually, routeThroughTcpFaultProxy, type TcpFaultProxy } from '@agora/testkit';
import { startTestAgora, type TestAgora } from '../testAgora.js';
import { addProduct, checkout, openDatabases, shopper, stockOf, type Databases } from './checkoutHelpers.js';

/** How soon after its database is back orders must be ready (the target is 1 s; room for a busy machine). */
const READY_AGAIN_DEADLINE_MS = 3_000;

describe("the federation when orders' database connection is reset", () => {
  let agora: TestAgora;
  let dbs: Databases;
  let ordersDatabase: TcpFaultProxy;

  beforeAll(async () => {
    agora = await startTestAgora({
      // Orders reaches its database through a proxy the tests can break; the rest directly.
      routeDatabase: async (subgraph, url) => {
        if (subgraph !== 'orders') return url;
        const routed = await routeThroughTcpFaultProxy(url);
        ordersDatabase = routed.proxy;
        return routed.url;
      },
    });
    dbs = openDatabases(agora);
  });

  afterEach(() => {
    ordersDatabase.setMode('pass');
  });

  afterAll(async () => {
    await dbs.close();
    await agora.stop();
    await ordersDatabase.stop();
  });

  async function ordersHealth(probe: 'live' | 'ready'): Promise<number> {
    const url = agora.subgraphUrls.orders.replace(/\/graphql$/, `/health/${probe}`);
    return (await fetch(url, { signal: AbortSignal.timeout(5_000) })).status;
  }

  async function expectOrdersReadyAgain() {
    await eventually(async () => (await ordersHealth('ready')) === 200, READY_AGAIN_DEADLINE_MS);
  }

  async function myName(token: string) {
    return dataOf(await agora.request<{ me: { name: string } }>('{ me { name } }', {}, token)).me.name;
  }

  it('should answer a checkout SERVICE_UNAVAILABLE during the reset, keep serving the rest, and check it out on retry once back', async () => {
    const product = await addProduct(dbs, 5, 1_000);
    const buyer = await shopper(agora, 5_000, [{ productId: product, quantity: 2 }]);
    ordersDatabase.setMode('reset');

    const during = await checkout(agora, buyer.token, 'during-reset');

    expect(errorCodes(during)).toEqual(['SERVICE_UNAVAILABLE']);
    expect([await myName(buyer.token), await ordersHealth('ready'), await ordersHealth('live')]).toEqual([
      'Shopper',
      503,
      200,
    ]);
    ordersDatabase.setMode('pass');
    await expectOrdersReadyAgain();
    expect(dataOf(await checkout(agora, buyer.token, 'during-reset')).checkout).toMatchObject({
      __typename: 'Order',
      status: 'PAID',
    });
    expect(await stockOf(dbs, product)).toBe(3);
  });

  it("should stay up when the connection is cut inside a checkout's transaction", async () => {
    const product = await addProduct(dbs, 5, 1_000);
    const buyer = await shopper(agora, 5_000, [{ productId: product, quantity: 1 }]);
    const key = 'cut-inside';
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let taken!: () => void;
    const keyTaken = new Promise<void>((resolve) => (taken = resolve));
    // An uncommitted order under the same key: checkout's INSERT waits for it, inside its transaction.
    const holder = dbs.orders.transaction(async (tx) => {
      await tx.execute(
        `INSERT INTO orders (user_id, idempotency_key, status, total_amount, currency, cart_fingerprint)
         VALUES ($1, $2, 'PENDING', 0, 'EUR', 'held by the test')`,
        [buyer.id, key],
      );
      taken();
      await released;
      throw new Error('rolled back by the test');
    });
    const rolledBack = holder.catch(() => undefined);
    try {
      await keyTaken;
      const answer = checkout(agora, buyer.token, key);
      await eventually(
        async () =>
          (
            await dbs.orders.query(
              `SELECT 1 FROM pg_stat_activity
               WHERE datname = $1 AND application_name = 'agora-orders' AND wait_event_type = 'Lock'`,
              [databaseName(agora.databaseUrls.orders)],
            )
          ).length > 0,
      );

      ordersDatabase.setMode('reset');

      expect(errorCodes(await answer)).toEqual(['SERVICE_UNAVAILABLE']);
    } finally {
      release();
      await rolledBack;
    }
    expect([await myName(buyer.token), await ordersHealth('live')]).toEqual(['Shopper', 200]);
    ordersDatabase.setMode('pass');
    await expectOrdersReadyAgain();
    expect(dataOf(await checkout(agora, buyer.token, key)).checkout).toMatchObject({
      __typename: 'Order',
      status: 'PAID',
    });
  });
});
