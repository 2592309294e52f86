// Deadlines nest: the gateway tells orders what is left of its own, and orders' checkout stops
// inside it, so a shopper whose payment hangs hears orders' "ask again with the same key", not
// the gateway's timeout, even though orders' own checkout deadline (8 s) is longer than the
// gateway's (4 s here). The same key then tells how the one order ended.
import { MemRateLimiter } from '@agora/adapters';
import { createOrdersSubgraph, type CheckoutSettings } from '@agora/orders';
import { createServiceClient, createServiceMetrics, silentLogger } from '@agora/service';
import {
  TEST_GATEWAY_SECRET,
  dataOf,
  errorCodes,
  eventually,
  startFaultProxy,
  startTcpFaultProxy,
  type FaultProxy,
  type TcpFaultProxy,
} from '@agora/testkit';
import { TEST_CHECKOUT_SETTINGS, startTestAgora } from '../testAgora.js';
import {
  addProduct,
  balanceOf,
  checkout,
  checkoutInvariants,
  openDatabases,
  shopper,
  stockOf,
} from './checkoutHelpers.js';

const GATEWAY_TIMEOUT_MS = 4_000;
const SERVICE_TIMEOUT_MS = 2_000;

/** orders' answer to a checkout it could not finish in time (subgraphs/orders/src/domain/checkout.ts). */
const INTERRUPTED =
  'Checkout could not finish because a service did not answer in time. It completes, or is undone with nothing ' +
  'charged, within a minute; ask again with the same idempotency key to see how it ended.';

describe('checkout under the gateway deadline', () => {
  const checkoutSettings: CheckoutSettings = {
    ...TEST_CHECKOUT_SETTINGS,
    // As deployed: longer than this gateway waits.
    deadlineMs: 8_000,
    // Out of reach: recovery runs only when a test runs a round of it.
    recoveryIntervalMs: 3_600_000,
  };
  let agora: Awaited<ReturnType<typeof startTestAgora>>;
  let dbs: ReturnType<typeof openDatabases>;
  // orders → TCP proxy (blackhole) → HTTP proxy (slow answers) → financial.
  let silent: TcpFaultProxy;
  let slow: FaultProxy;

  beforeAll(async () => {
    agora = await startTestAgora({
      gatewayTimeoutMs: GATEWAY_TIMEOUT_MS,
      serviceTimeoutMs: SERVICE_TIMEOUT_MS,
      checkout: checkoutSettings,
      routeServiceCall: async (callee, url) => {
        if (callee !== 'financial') return url;
        slow = await startFaultProxy(url);
        const { port } = new URL(slow.url);
        silent = await startTcpFaultProxy({ host: '127.0.0.1', port: Number(port) });
        return `http://${silent.host}:${silent.port}${new URL(url).pathname}`;
      },
    });
    dbs = openDatabases(agora);
  });

  afterEach(() => {
    silent.setMode('pass');
    slow.setMode({ kind: 'pass' });
  });

  afterAll(async () => {
    await dbs.close();
    await agora.stop();
    await silent.stop();
    await slow.stop();
  });

  /** One round of recovery by a second orders instance on the same database and peers, as a scheduled tick runs it. */
  async function recoverOnce(): Promise<void> {
    const peers = {
      inventory: createServiceClient({
        service: 'inventory',
        url: agora.subgraphUrls.inventory,
        gatewaySecret: TEST_GATEWAY_SECRET,
      }),
      financial: createServiceClient({ service: 'financial', url: slow.url, gatewaySecret: TEST_GATEWAY_SECRET }),
      users: createServiceClient({
        service: 'users',
        url: agora.subgraphUrls.users,
        gatewaySecret: TEST_GATEWAY_SECRET,
      }),
    };
    try {
      const instance = createOrdersSubgraph({
        db: dbs.orders,
        ...peers,
        rateLimiter: new MemRateLimiter(),
        checkout: { ...checkoutSettings, recoveryDeadlineMs: 0 },
        logger: silentLogger,
        metrics: createServiceMetrics('orders'),
      });
      await instance.tick?.();
    } finally {
      await Promise.all(Object.values(peers).map((client) => client.close()));
    }
  }

  async function ordersOf(userId: string) {
    return dbs.orders.query<{ id: string; status: string }>('SELECT id, status FROM orders WHERE user_id = $1', [
      userId,
    ]);
  }

  it("should answer orders' ask-again when financial is silent past the gateway's deadline, then one order undone", async () => {
    const product = await addProduct(dbs, 3, 1_000);
    const buyer = await shopper(agora, 5_000, [{ productId: product, quantity: 1 }]);
    silent.setMode('blackhole');

    const answer = await checkout(agora, buyer.token, 'silent-financial');
    expect(errorCodes(answer)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(answer.errors?.[0]?.message).toBe(INTERRUPTED);

    silent.setMode('pass');
    await recoverOnce();
    const again = await checkout(agora, buyer.token, 'silent-financial');
    expect(dataOf(again).checkout).toMatchObject({ __typename: 'CheckoutFailed', code: 'CHECKOUT_FAILED' });
    const orders = await ordersOf(buyer.id);
    expect(orders.map((order) => order.status)).toEqual(['ABANDONED']);
    expect(await checkoutInvariants(dbs, (orders[0] as { id: string }).id)).toEqual({
      order: { status: 'ABANDONED', total_amount: 1_000 },
      payment: null,
      reservation: { status: 'RELEASED' },
    });
    expect([await balanceOf(dbs, buyer.id), await stockOf(dbs, product)]).toEqual([5_000, 3]);
  });

  it("should answer orders' ask-again when financial's answers come after the gateway's deadline, then one order paid once", async () => {
    const product = await addProduct(dbs, 3, 1_000);
    const buyer = await shopper(agora, 5_000, [{ productId: product, quantity: 1 }]);
    // Each charge lands; its answer comes back after the gateway has stopped waiting.
    slow.setMode({ kind: 'slowResponse', delayMs: GATEWAY_TIMEOUT_MS + 1_000 });

    const answer = await checkout(agora, buyer.token, 'slow-financial');
    expect(errorCodes(answer)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(answer.errors?.[0]?.message).toBe(INTERRUPTED);

    slow.setMode({ kind: 'pass' });
    await eventually(async () => slow.held() === 0, GATEWAY_TIMEOUT_MS * 2);
    await recoverOnce();
    const again = await checkout(agora, buyer.token, 'slow-financial');
    expect(dataOf(again).checkout).toMatchObject({ __typename: 'Order', status: 'PAID', total: { amount: 1_000 } });
    const orders = await ordersOf(buyer.id);
    expect(orders.map((order) => order.status)).toEqual(['PAID']);
    expect(await checkoutInvariants(dbs, (orders[0] as { id: string }).id)).toEqual({
      order: { status: 'PAID', total_amount: 1_000 },
      payment: { amount: 1_000, status: 'CAPTURED' },
      reservation: { status: 'COMMITTED' },
    });
    const charges = await dbs.financial.queryOne<{ n: number }>(
      `SELECT count(*)::int AS n FROM ledger_entries WHERE account_id = $1 AND kind = 'CHARGE'`,
      [buyer.id],
    );
    expect(charges?.n).toBe(1);
    expect([await balanceOf(dbs, buyer.id), await stockOf(dbs, product)]).toEqual([4_000, 2]);
  });
});
