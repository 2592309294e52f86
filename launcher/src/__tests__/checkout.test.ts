import { randomUUID } from 'node:crypto';
import { dataOf, errorCodes } from '@agora/testkit';
import { openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';
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

describe('checkout through the gateway', () => {
  let agora: TestAgora;
  let dbs: Databases;

  beforeAll(async () => {
    agora = await startTestAgora();
    dbs = openDatabases(agora);
  });

  afterAll(async () => {
    await dbs.close();
    await agora.stop();
  });

  it('should charge, invoice, take the stock and empty the cart, and show it all on the buyer', async () => {
    const mug = await addProduct(dbs, 5, 1_250, 'Enamel mug');
    const pen = await addProduct(dbs, 3, 3_400, 'Fountain pen');
    const buyer = await shopper(agora, 10_000, [
      { productId: mug, quantity: 2 },
      { productId: pen, quantity: 1 },
    ]);

    const result = await checkout(agora, buyer.token, 'key-1');

    expect(dataOf(result).checkout).toMatchObject({ __typename: 'Order', status: 'PAID', total: { amount: 5_900 } });
    expect([await stockOf(dbs, mug), await stockOf(dbs, pen), await balanceOf(dbs, buyer.id)]).toEqual([3, 2, 4_100]);
    const me = await agora.request(
      `{ me {
          cart { itemCount }
          orders { nodes { status total { amount } lines { quantity product { name } } invoice { number } payment { status } } }
          account { balance { amount } entries { kind amount { amount } } }
          invoices { totalCount nodes { number total { amount } order { status } } }
      } }`,
      {},
      buyer.token,
    );
    expect(dataOf(me)).toEqual({
      me: {
        cart: { itemCount: 0 },
        orders: {
          nodes: [
            {
              status: 'PAID',
              total: { amount: 5_900 },
              lines: expect.arrayContaining([
                { quantity: 2, product: { name: 'Enamel mug' } },
                { quantity: 1, product: { name: 'Fountain pen' } },
              ]),
              invoice: { number: expect.stringMatching(/^INV-\d{6}$/) },
              payment: { status: 'CAPTURED' },
            },
          ],
        },
        account: {
          balance: { amount: 4_100 },
          entries: [
            { kind: 'CHARGE', amount: { amount: -5_900 } },
            { kind: 'DEPOSIT', amount: { amount: 10_000 } },
          ],
        },
        invoices: {
          totalCount: 1,
          nodes: [{ number: expect.stringMatching(/^INV-/), total: { amount: 5_900 }, order: { status: 'PAID' } }],
        },
      },
    });
  });

  it('should answer the same order when the key is replayed, and refuse the key with another cart', async () => {
    const product = await addProduct(dbs, 10, 500);
    const buyer = await shopper(agora, 5_000, [{ productId: product, quantity: 1 }]);
    const first = dataOf(await checkout(agora, buyer.token, 'replay')).checkout;

    const replayed = dataOf(await checkout(agora, buyer.token, 'replay')).checkout;
    await agora.request(
      `mutation ($p: ID!) { addItem(productId: $p, quantity: 2) { __typename } }`,
      { p: product },
      buyer.token,
    );
    const reused = dataOf(await checkout(agora, buyer.token, 'replay')).checkout;

    expect(replayed).toEqual(first);
    expect(reused).toEqual({
      __typename: 'InvalidInput',
      code: 'INVALID_INPUT',
      field: 'idempotencyKey',
      message: 'This idempotency key was already used for a different cart; use a new key for a new checkout.',
    });
    expect(await balanceOf(dbs, buyer.id)).toBe(4_500);
  });

  it('should answer CartEmpty and create nothing when the cart is empty', async () => {
    const buyer = await shopper(agora, 1_000, []);
    expect(dataOf(await checkout(agora, buyer.token, randomUUID())).checkout).toEqual({
      __typename: 'CartEmpty',
      code: 'CART_EMPTY',
      message: 'Your cart is empty; add something first.',
    });
    expect(await dbs.orders.query('SELECT 1 FROM orders WHERE user_id = $1', [buyer.id])).toEqual([]);
  });

  it.each([
    ['an empty key', ''],
    ['a key with spaces', 'my key'],
    ['an over-long key', 'k'.repeat(101)],
  ])('should refuse %s and create nothing', async (_case, key) => {
    const product = await addProduct(dbs, 1, 100);
    const buyer = await shopper(agora, 1_000, [{ productId: product, quantity: 1 }]);
    expect(dataOf(await checkout(agora, buyer.token, key)).checkout).toMatchObject({
      __typename: 'InvalidInput',
      field: 'idempotencyKey',
    });
    expect(await dbs.orders.query('SELECT 1 FROM orders WHERE user_id = $1', [buyer.id])).toEqual([]);
  });

  it('should decline a balance one cent short, charge nothing and give the stock back', async () => {
    const product = await addProduct(dbs, 4, 1_000);
    const buyer = await shopper(agora, 1_999, [{ productId: product, quantity: 2 }]);

    const answer = dataOf(await checkout(agora, buyer.token, 'short')).checkout;
    const again = dataOf(await checkout(agora, buyer.token, 'short')).checkout;

    expect(answer).toEqual({
      __typename: 'PaymentDeclined',
      code: 'PAYMENT_DECLINED',
      message: 'Your balance of 19.99 EUR does not cover 20.00 EUR. Nothing was charged.',
      balance: { amount: 1_999 },
      amount: { amount: 2_000 },
    });
    expect(again).toEqual(answer);
    expect([await balanceOf(dbs, buyer.id), await stockOf(dbs, product)]).toEqual([1_999, 4]);
    const order = await dbs.orders.queryOne<{ id: string; status: string }>(
      'SELECT id, status FROM orders WHERE user_id = $1',
      [buyer.id],
    );
    expect(order?.status).toBe('PAYMENT_DECLINED');
    expect(await checkoutInvariants(dbs, order?.id as string)).toEqual({
      order: { status: 'PAYMENT_DECLINED', total_amount: 2_000 },
      payment: null,
      reservation: { status: 'RELEASED' },
    });
  });

  it('should answer InsufficientStock naming the product and hold nothing when stock ran out meanwhile', async () => {
    const product = await addProduct(dbs, 2, 700, 'Last lamps');
    const early = await shopper(agora, 5_000, [{ productId: product, quantity: 2 }]);
    const late = await shopper(agora, 5_000, [{ productId: product, quantity: 1 }]);
    await checkout(agora, early.token, 'early');

    expect(dataOf(await checkout(agora, late.token, 'late')).checkout).toEqual({
      __typename: 'InsufficientStock',
      code: 'INSUFFICIENT_STOCK',
      message: 'Only 0 of "Last lamps" left; your cart has 1. Nothing was charged.',
      available: 0,
    });
    expect([await balanceOf(dbs, late.id), await stockOf(dbs, product)]).toEqual([5_000, 0]);
    const history = await agora.request<{ me: { orders: { totalCount: number } } }>(
      '{ me { orders { totalCount } } }',
      {},
      late.token,
    );
    expect(dataOf(history).me.orders.totalCount).toBe(0);
  });

  it('should refuse a session that was revoked, even if the gateway has not heard yet', async () => {
    const product = await addProduct(dbs, 1, 100);
    const buyer = await shopper(agora, 1_000, [{ productId: product, quantity: 1 }]);
    await dbs.users.execute('UPDATE sessions SET revoked_at = now() WHERE user_id = $1', [buyer.id]);

    const result = await checkout(agora, buyer.token, 'revoked');

    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
    expect(result.errors?.[0]?.message).toBe('Your session has ended; log in again to buy.');
    expect([await balanceOf(dbs, buyer.id), await stockOf(dbs, product)]).toEqual([1_000, 1]);
  });

  it('should charge once when 20 requests with one key arrive together, and answer them all the same', async () => {
    const product = await addProduct(dbs, 10, 300);
    const buyer = await shopper(agora, 10_000, [{ productId: product, quantity: 2 }]);

    const answers = await Promise.all(Array.from({ length: 20 }, () => checkout(agora, buyer.token, 'burst')));

    expect(new Set(answers.map((answer) => dataOf(answer).checkout.id))).toHaveProperty('size', 1);
    expect(answers.every((answer) => dataOf(answer).checkout.status === 'PAID')).toBe(true);
    expect(await dbs.financial.query('SELECT 1 FROM payments WHERE account_id = $1', [buyer.id])).toHaveLength(1);
    expect([await balanceOf(dbs, buyer.id), await stockOf(dbs, product)]).toEqual([9_400, 8]);
  });

  it('should refund, restock and cancel a paid order once, for its buyer only', async () => {
    const product = await addProduct(dbs, 3, 2_000);
    const buyer = await shopper(agora, 5_000, [{ productId: product, quantity: 2 }]);
    const stranger = await registerUser(agora, 'Stranger');
    const orderId = dataOf(await checkout(agora, buyer.token, 'to-cancel')).checkout.id as string;
    const cancel = `mutation ($id: ID!) {
      cancelOrder(orderId: $id) { __typename ... on Order { status payment { status } } ... on ErrorResult { code message } }
    }`;

    const byStranger = dataOf(await agora.request(cancel, { id: orderId }, stranger.token));
    const first = dataOf(await agora.request(cancel, { id: orderId }, buyer.token));
    const second = dataOf(await agora.request(cancel, { id: orderId }, buyer.token));

    expect(byStranger).toEqual({
      cancelOrder: { __typename: 'NotFound', code: 'NOT_FOUND', message: `No order of yours has the id "${orderId}".` },
    });
    expect(first).toEqual({
      cancelOrder: { __typename: 'Order', status: 'CANCELLED', payment: { status: 'REFUNDED' } },
    });
    expect(second).toEqual(first);
    expect([await balanceOf(dbs, buyer.id), await stockOf(dbs, product)]).toEqual([5_000, 3]);
    const ledger = await dbs.financial.query<{ kind: string }>(
      'SELECT kind FROM ledger_entries WHERE account_id = $1 ORDER BY created_at, kind DESC',
      [buyer.id],
    );
    expect(ledger.map((entry) => entry.kind)).toEqual(['DEPOSIT', 'CHARGE', 'REFUND']);
  });

  it('should refuse to cancel an order that was not paid', async () => {
    const product = await addProduct(dbs, 3, 2_000);
    const buyer = await shopper(agora, 100, [{ productId: product, quantity: 1 }]);
    await checkout(agora, buyer.token, 'declined');
    const order = await dbs.orders.queryOne<{ id: string }>('SELECT id FROM orders WHERE user_id = $1', [buyer.id]);
    const result = await agora.request(
      `mutation ($id: ID!) { cancelOrder(orderId: $id) { __typename ... on OrderNotCancellable { status message } } }`,
      { id: order?.id },
      buyer.token,
    );
    expect(dataOf(result)).toEqual({
      cancelOrder: {
        __typename: 'OrderNotCancellable',
        status: 'PAYMENT_DECLINED',
        message: 'Only a paid order can be cancelled; this one is PAYMENT_DECLINED.',
      },
    });
  });

  it("should refuse to show another user's orders, account or invoices however they are reached", async () => {
    const buyer = await shopper(agora, 1_000, []);
    const stranger = await registerUser(agora, 'Curious');
    const id = await openPetition(agora, buyer.token, "Buyer's petition", 'b');

    for (const field of ['orders { totalCount }', 'account { balance { amount } }', 'invoices { totalCount }']) {
      const result = await agora.request(
        `query ($id: ID!) { petition(id: $id) { creator { ${field} } } }`,
        { id },
        stranger.token,
      );
      expect({ field, codes: errorCodes(result) }).toEqual({ field, codes: ['FORBIDDEN'] });
    }
  });
});

describe('checkout under load', () => {
  let agora: TestAgora;
  let dbs: Databases;

  beforeAll(async () => {
    agora = await startTestAgora({ serviceTimeoutMs: 5_000 });
    dbs = openDatabases(agora);
  });

  afterAll(async () => {
    await dbs.close();
    await agora.stop();
  });

  it('should sell exactly the 50 units there are when 200 buyers check out at once', async () => {
    const product = await addProduct(dbs, 50, 1_500);
    const buyers = [];
    for (let batch = 0; batch < 10; batch++) {
      buyers.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, () => shopper(agora, 10_000, [{ productId: product, quantity: 1 }])),
        )),
      );
    }

    const answers = await Promise.all(buyers.map((buyer) => checkout(agora, buyer.token, 'go')));

    const kinds = answers.map((answer) => answer.data?.checkout.__typename ?? answer.errors?.[0]?.extensions?.['code']);
    expect(kinds.filter((kind) => kind === 'Order')).toHaveLength(50);
    expect(kinds.filter((kind) => kind === 'InsufficientStock')).toHaveLength(150);
    expect(await stockOf(dbs, product)).toBe(0);
    const paid = await dbs.orders.queryOne<{ n: number; total: number }>(
      `SELECT count(*)::int AS n, coalesce(sum(total_amount), 0)::int AS total FROM orders WHERE status = 'PAID'`,
    );
    const payments = await dbs.financial.queryOne<{ n: number; total: number }>(
      `SELECT count(*)::int AS n, coalesce(sum(amount), 0)::int AS total FROM payments WHERE status = 'CAPTURED'`,
    );
    expect(paid).toEqual({ n: 50, total: 50 * 1_500 });
    expect(payments).toEqual(paid);
    const held = await dbs.inventory.queryOne<{ n: number }>(
      `SELECT count(*)::int AS n FROM reservations WHERE status = 'RESERVED'`,
    );
    expect(held?.n).toBe(0);
  });
});
