import { randomUUID } from 'node:crypto';
import { dataOf, errorCodes } from '@agora/testkit';
import { someone, startFinancial, type FinancialHarness } from './financialHarness.js';

const CHARGE = `mutation ($orderId: ID!, $userId: ID!, $amount: Int!, $currency: String!) {
  chargeOrder(orderId: $orderId, userId: $userId, amount: $amount, currency: $currency) {
    __typename
    ... on Payment { id status amount { amount } }
    ... on ChargeDeclined { balance { amount } amount { amount } }
    ... on ChargeFenced { orderId }
  }
}`;

interface Charge {
  __typename: string;
  id?: string;
  status?: string;
  balance?: { amount: number };
}

describe('financial charges', () => {
  let financial: FinancialHarness;

  beforeAll(async () => {
    financial = await startFinancial();
  });

  afterAll(async () => {
    await financial.stop();
  });

  async function fund(amount: number) {
    const owner = someone();
    await financial.subgraph.request(
      `mutation ($amount: Int!) { deposit(amount: $amount) { __typename } }`,
      { amount },
      owner,
    );
    return owner.userId;
  }

  async function charge(orderId: string, userId: string, amount: number) {
    return dataOf(
      await financial.subgraph.request<{ chargeOrder: Charge }>(CHARGE, { orderId, userId, amount, currency: 'EUR' }),
    ).chargeOrder;
  }

  async function ledgerOf(userId: string) {
    return financial.database.db.query<{ kind: string; amount: number; balance_after: number }>(
      'SELECT kind, amount, balance_after FROM ledger_entries WHERE account_id = $1 ORDER BY created_at, balance_after DESC',
      [userId],
    );
  }

  async function balanceOf(userId: string) {
    return (
      await financial.database.db.queryOne<{ b: number }>('SELECT balance_amount AS b FROM accounts WHERE id = $1', [
        userId,
      ])
    )?.b;
  }

  it('should take the amount once, with a ledger entry, a payment and an invoice, however often it is asked', async () => {
    const userId = await fund(10_000);
    const orderId = randomUUID();

    const first = await charge(orderId, userId, 2_500);
    const again = await charge(orderId, userId, 2_500);

    expect(first).toMatchObject({ __typename: 'Payment', status: 'CAPTURED', amount: { amount: 2_500 } });
    expect(again).toEqual(first);
    expect(await balanceOf(userId)).toBe(7_500);
    expect(await ledgerOf(userId)).toEqual([
      { kind: 'DEPOSIT', amount: 10_000, balance_after: 10_000 },
      { kind: 'CHARGE', amount: -2_500, balance_after: 7_500 },
    ]);
    const invoices = await financial.database.db.query('SELECT total_amount FROM invoices WHERE order_id = $1', [
      orderId,
    ]);
    expect(invoices).toEqual([{ total_amount: 2_500 }]);
  });

  it('should charge once when 20 calls for one order arrive together', async () => {
    const userId = await fund(5_000);
    const orderId = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => charge(orderId, userId, 1_000)));
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(await balanceOf(userId)).toBe(4_000);
    expect(await financial.database.db.query('SELECT 1 FROM payments WHERE order_id = $1', [orderId])).toHaveLength(1);
  });

  it('should decline a balance one cent short and write nothing', async () => {
    const userId = await fund(999);
    const orderId = randomUUID();
    expect(await charge(orderId, userId, 1_000)).toEqual({
      __typename: 'ChargeDeclined',
      balance: { amount: 999 },
      amount: { amount: 1_000 },
    });
    expect(await balanceOf(userId)).toBe(999);
    expect(await ledgerOf(userId)).toHaveLength(1);
    expect(await financial.database.db.query('SELECT 1 FROM payments WHERE order_id = $1', [orderId])).toEqual([]);
  });

  it('should settle an uncharged order as never to be charged, and report a charged one', async () => {
    const userId = await fund(3_000);
    const settle = `mutation ($orderId: ID!) { settleOrderCharge(orderId: $orderId) { orderId payment { status } } }`;
    const interrupted = randomUUID();
    const paid = randomUUID();
    await charge(paid, userId, 1_000);

    expect(dataOf(await financial.subgraph.request(settle, { orderId: interrupted }))).toEqual({
      settleOrderCharge: { orderId: interrupted, payment: null },
    });
    expect(await charge(interrupted, userId, 1_000)).toEqual({ __typename: 'ChargeFenced', orderId: interrupted });
    expect(dataOf(await financial.subgraph.request(settle, { orderId: paid }))).toEqual({
      settleOrderCharge: { orderId: paid, payment: { status: 'CAPTURED' } },
    });
    expect(await balanceOf(userId)).toBe(2_000);
  });

  it('should refund a payment once, with a ledger entry', async () => {
    const userId = await fund(4_000);
    const orderId = randomUUID();
    await charge(orderId, userId, 1_500);
    const refund = `mutation ($orderId: ID!) { refundOrder(orderId: $orderId) { status amount { amount } } }`;

    expect(dataOf(await financial.subgraph.request(refund, { orderId }))).toEqual({
      refundOrder: { status: 'REFUNDED', amount: { amount: 1_500 } },
    });
    expect(dataOf(await financial.subgraph.request(refund, { orderId }))).toEqual({
      refundOrder: { status: 'REFUNDED', amount: { amount: 1_500 } },
    });
    expect(dataOf(await financial.subgraph.request(refund, { orderId: randomUUID() }))).toEqual({ refundOrder: null });
    expect(await balanceOf(userId)).toBe(4_000);
    expect((await ledgerOf(userId)).map((entry) => entry.kind)).toEqual(['DEPOSIT', 'CHARGE', 'REFUND']);
  });

  it('should number invoices without gaps when many orders are charged at once', async () => {
    const before =
      (await financial.database.db.queryOne<{ n: number }>('SELECT last_number::int AS n FROM invoice_counter'))?.n ??
      0;
    const users = await Promise.all(Array.from({ length: 25 }, () => fund(100)));
    await Promise.all(users.map((userId) => charge(randomUUID(), userId, 100)));
    const numbers = (
      await financial.database.db.query<{ n: number }>(
        'SELECT number::int AS n FROM invoices WHERE number > $1 ORDER BY number',
        [before],
      )
    ).map((row) => row.n);
    expect(numbers).toEqual(Array.from({ length: 25 }, (_, i) => before + i + 1));
  });

  it.each([
    ['a zero amount', { amount: 0 }],
    ['an order id that is not one', { orderId: 'x' }],
    ['a currency that is not a code', { currency: 'euro' }],
  ])('should refuse a charge with %s', async (_case, override) => {
    const variables = { orderId: randomUUID(), userId: randomUUID(), amount: 100, currency: 'EUR', ...override };
    expect(errorCodes(await financial.subgraph.request(CHARGE, variables))).toEqual(['BAD_USER_INPUT']);
  });
});
