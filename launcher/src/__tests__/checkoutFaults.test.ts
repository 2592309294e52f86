import { dataOf, errorCodes, eventually, startFaultProxy, type FaultProxy } from '@agora/testkit';
import { TEST_CHECKOUT_SETTINGS, startTestAgora, type TestAgora } from '../testAgora.js';
import {
  addProduct,
  balanceOf,
  checkout,
  checkoutInvariants,
  openDatabases,
  shopper,
  stockOf,
  type Databases,
} from './checkoutHelpers.js';

/**
 * Calls from orders to financial time out after this; a checkout stops trying after its
 * deadline; recovery takes over orders this stale.
 */
const SERVICE_TIMEOUT_MS = 400;
const CHECKOUT_DEADLINE_MS = 1_000;
const RECOVERY_DEADLINE_MS = 1_500;

describe('checkout when financial fails', () => {
  let agora: TestAgora;
  let dbs: Databases;
  let financial: FaultProxy;

  beforeAll(async () => {
    agora = await startTestAgora({
      serviceTimeoutMs: SERVICE_TIMEOUT_MS,
      checkout: {
        ...TEST_CHECKOUT_SETTINGS,
        deadlineMs: CHECKOUT_DEADLINE_MS,
        recoveryDeadlineMs: RECOVERY_DEADLINE_MS,
        recoveryIntervalMs: 100,
        duplicateWaitMs: 0,
      },
      // Orders reaches financial through a proxy the tests can break.
      routeServiceCall: async (callee, url) => {
        if (callee !== 'financial') return url;
        financial = await startFaultProxy(url);
        return financial.url;
      },
    });
    dbs = openDatabases(agora);
  });

  afterEach(() => {
    financial.setMode({ kind: 'pass' });
  });

  afterAll(async () => {
    await dbs.close();
    await agora.stop();
    await financial.stop();
  });

  async function orderOf(userId: string) {
    return (await dbs.orders.queryOne<{ id: string; status: string }>(
      'SELECT id, status FROM orders WHERE user_id = $1',
      [userId],
    )) as { id: string; status: string };
  }

  async function statusOf(orderId: string) {
    return (await dbs.orders.queryOne<{ status: string }>('SELECT status FROM orders WHERE id = $1', [orderId]))
      ?.status;
  }

  it('should undo a checkout whose charge never reached financial: stock back, nothing charged', async () => {
    const product = await addProduct(dbs, 5, 1_000);
    const buyer = await shopper(agora, 5_000, [{ productId: product, quantity: 2 }]);
    financial.setMode({ kind: 'down' });

    const answer = await checkout(agora, buyer.token, 'down');

    expect(errorCodes(answer)).toEqual(['SERVICE_UNAVAILABLE']);
    const order = await orderOf(buyer.id);
    expect([order.status, await stockOf(dbs, product)]).toEqual(['PENDING', 3]);

    financial.setMode({ kind: 'pass' });
    // Ended first, then its stock given back.
    await eventually(async () => (await checkoutInvariants(dbs, order.id)).reservation?.status === 'RELEASED', 10_000);

    expect(await checkoutInvariants(dbs, order.id)).toEqual({
      order: { status: 'ABANDONED', total_amount: 2_000 },
      payment: null,
      reservation: { status: 'RELEASED' },
    });
    expect([await stockOf(dbs, product), await balanceOf(dbs, buyer.id)]).toEqual([5, 5_000]);
    expect(dataOf(await checkout(agora, buyer.token, 'down')).checkout).toMatchObject({
      __typename: 'CheckoutFailed',
      code: 'CHECKOUT_FAILED',
    });
  });

  it('should complete a checkout whose charge went through but whose answer was lost', async () => {
    const product = await addProduct(dbs, 5, 1_000);
    const buyer = await shopper(agora, 5_000, [{ productId: product, quantity: 1 }]);
    financial.setMode({ kind: 'slowResponse', delayMs: SERVICE_TIMEOUT_MS * 3 });

    const answer = await checkout(agora, buyer.token, 'lost-answer');

    expect(errorCodes(answer)).toEqual(['SERVICE_UNAVAILABLE']);
    const order = await orderOf(buyer.id);
    financial.setMode({ kind: 'pass' });
    await eventually(async () => (await statusOf(order.id)) === 'PAID', 10_000);
    await eventually(async () => (await checkoutInvariants(dbs, order.id)).reservation?.status === 'COMMITTED', 10_000);

    expect(await checkoutInvariants(dbs, order.id)).toEqual({
      order: { status: 'PAID', total_amount: 1_000 },
      payment: { amount: 1_000, status: 'CAPTURED' },
      reservation: { status: 'COMMITTED' },
    });
    expect([await stockOf(dbs, product), await balanceOf(dbs, buyer.id)]).toEqual([4, 4_000]);
    expect(await dbs.orders.query('SELECT 1 FROM cart_items WHERE user_id = $1', [buyer.id])).toEqual([]);
    expect(dataOf(await checkout(agora, buyer.token, 'lost-answer')).checkout).toMatchObject({
      __typename: 'Order',
      id: order.id,
      status: 'PAID',
    });
  });

  it('should never keep money for an order it undid when slow charges arrive late', async () => {
    const product = await addProduct(dbs, 5, 1_000);
    const buyer = await shopper(agora, 5_000, [{ productId: product, quantity: 1 }]);
    // Each charge reaches financial long after orders gave up on it.
    financial.setMode({ kind: 'slowRequest', delayMs: RECOVERY_DEADLINE_MS * 2 });

    const answer = await checkout(agora, buyer.token, 'late-charge');

    expect(errorCodes(answer)).toEqual(['SERVICE_UNAVAILABLE']);
    const order = await orderOf(buyer.id);
    financial.setMode({ kind: 'pass' });
    await eventually(async () => ['ABANDONED', 'PAID'].includes((await statusOf(order.id)) ?? ''), 10_000);
    await eventually(async () => financial.held() === 0, 15_000);
    await eventually(async () => (await checkoutInvariants(dbs, order.id)).reservation?.status !== 'RESERVED', 10_000);

    const { order: ended, payment, reservation } = await checkoutInvariants(dbs, order.id);
    const balance = await balanceOf(dbs, buyer.id);
    // Whichever came first, the late charge or the recovery, money and order agree.
    if (ended?.status === 'PAID') {
      expect({ payment, reservation: reservation?.status, balance }).toEqual({
        payment: { amount: 1_000, status: 'CAPTURED' },
        reservation: expect.stringMatching(/RESERVED|COMMITTED/),
        balance: 4_000,
      });
    } else {
      expect({
        status: ended?.status,
        payment,
        reservation: reservation?.status,
        balance,
        stock: await stockOf(dbs, product),
      }).toEqual({
        status: 'ABANDONED',
        payment: null,
        reservation: 'RELEASED',
        balance: 5_000,
        stock: 5,
      });
    }
  });

  it('should leave no stock reserved and no paid order without a payment after recovery', async () => {
    await eventually(async () => {
      const pending = await dbs.orders.queryOne<{ n: number }>(
        `SELECT count(*)::int AS n FROM orders WHERE status = 'PENDING'`,
      );
      return pending?.n === 0;
    }, 10_000);
    const paid = await dbs.orders.query<{ id: string }>(`SELECT id FROM orders WHERE status = 'PAID'`);
    const payments = await dbs.financial.query<{ order_id: string }>(
      `SELECT order_id FROM payments WHERE status = 'CAPTURED'`,
    );
    expect(new Set(payments.map((row) => row.order_id))).toEqual(new Set(paid.map((row) => row.id)));
    await eventually(async () => {
      const held = await dbs.inventory.queryOne<{ n: number }>(
        `SELECT count(*)::int AS n FROM reservations WHERE status = 'RESERVED'`,
      );
      return held?.n === 0;
    }, 10_000);
  });
});
