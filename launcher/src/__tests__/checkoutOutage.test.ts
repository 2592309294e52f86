import { MemRateLimiter } from '@agora/adapters';
import { createOrdersSubgraph, type CheckoutSettings } from '@agora/orders';
import { createServiceClient, createServiceMetrics, silentLogger } from '@agora/service';
import {
  TEST_GATEWAY_SECRET,
  dataOf,
  errorCodes,
  eventually,
  inParallel,
  startFaultProxy,
  type FaultProxy,
} from '@agora/testkit';
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

/** A federation whose orders reaches financial through a proxy the tests break, and never recovers on its own. */
async function startOutageAgora(serviceTimeoutMs: number, deadlineMs: number) {
  let financial: FaultProxy | undefined;
  const checkoutSettings: CheckoutSettings = {
    ...TEST_CHECKOUT_SETTINGS,
    deadlineMs,
    retry: { initialBackoffMs: 20, maxBackoffMs: 200 },
    // Out of reach: recovery runs only when a test runs a round of it.
    recoveryIntervalMs: 3_600_000,
    duplicateWaitMs: 0,
  };
  const agora = await startTestAgora({
    serviceTimeoutMs,
    checkout: checkoutSettings,
    routeServiceCall: async (callee, url) => {
      if (callee !== 'financial') return url;
      financial = await startFaultProxy(url);
      return financial.url;
    },
  });
  const proxy = financial as FaultProxy;
  const dbs = openDatabases(agora);
  return {
    agora,
    dbs,
    financial: proxy,
    /**
     * One round of recovery by a second orders instance on the same database and peers, as
     * a scheduled function's tick runs it. It takes every PENDING order at once: the tests
     * call it once every checkout has answered, so none is still running.
     */
    async recoverOnce(): Promise<void> {
      const peer = (service: string, url: string) =>
        createServiceClient({ service, url, gatewaySecret: TEST_GATEWAY_SECRET, timeoutMs: serviceTimeoutMs });
      const instance = createOrdersSubgraph({
        db: dbs.orders,
        inventory: peer('inventory', agora.subgraphUrls.inventory),
        financial: peer('financial', proxy.url),
        users: peer('users', agora.subgraphUrls.users),
        rateLimiter: new MemRateLimiter(),
        checkout: { ...checkoutSettings, recoveryDeadlineMs: 0 },
        logger: silentLogger,
        metrics: createServiceMetrics('orders'),
      });
      await instance.tick?.();
    },
    async stop() {
      await dbs.close();
      await agora.stop();
      await proxy.stop();
    },
  };
}

type OutageAgora = Awaited<ReturnType<typeof startOutageAgora>>;

/** `count` shoppers with `balance` each and one unit of `productId` in their cart. */
function shoppers(agora: TestAgora, count: number, balance: number, productId: string) {
  return Promise.all(Array.from({ length: count }, () => shopper(agora, balance, [{ productId, quantity: 1 }])));
}

async function ordersOf(dbs: Databases, userIds: readonly string[]) {
  return dbs.orders.query<{ id: string; user_id: string; status: string }>(
    'SELECT id, user_id, status FROM orders WHERE user_id = ANY($1::uuid[])',
    [userIds],
  );
}

/** How many of the orders' reservations inventory still holds. */
async function heldReservations(dbs: Databases, orderIds: readonly string[]): Promise<number> {
  const row = await dbs.inventory.queryOne<{ n: number }>(
    `SELECT count(*)::int AS n FROM reservations WHERE order_id = ANY($1::uuid[]) AND status = 'RESERVED'`,
    [orderIds],
  );
  return row?.n ?? -1;
}

/** Each account's CHARGE entries, by account. */
async function chargesOf(dbs: Databases, userIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await dbs.financial.query<{ account_id: string; n: number }>(
    `SELECT account_id, count(*)::int AS n FROM ledger_entries
     WHERE account_id = ANY($1::uuid[]) AND kind = 'CHARGE' GROUP BY account_id`,
    [userIds],
  );
  return new Map(rows.map((row) => [row.account_id, row.n]));
}

describe('checkout through a financial outage shorter than its deadline', () => {
  const SERVICE_TIMEOUT_MS = 1_000;
  // Below the gateway's deadline (10 s in tests), so the shopper hears orders' own answer.
  const CHECKOUT_DEADLINE_MS = 8_000;
  let outage: OutageAgora;

  beforeAll(async () => {
    outage = await startOutageAgora(SERVICE_TIMEOUT_MS, CHECKOUT_DEADLINE_MS);
  });

  afterEach(() => {
    outage.financial.setMode({ kind: 'pass' });
  });

  afterAll(async () => {
    await outage.stop();
  });

  it('should end every checkout PAID, each charged once, when financial comes back before the deadline', async () => {
    const { agora, dbs, financial } = outage;
    // Fewer than the gateway's connections to orders (32), which a retrying checkout holds.
    const buyers = 30;
    const product = await addProduct(dbs, buyers + 5, 1_000);
    const people = await shoppers(agora, buyers, 5_000, product);
    const ids = people.map((person) => person.id);
    financial.setMode({ kind: 'down' });
    const refusedBefore = financial.refused();

    const answers = Promise.all(people.map((person) => checkout(agora, person.token, 'outage')));
    // Financial comes back once every checkout holds its units and has been refused twice on
    // average (the old saga gave up after its third refusal), at the latest two seconds before
    // the deadline, which leaves the checkouts time to charge.
    await eventually(async () => {
      const orderIds = (await ordersOf(dbs, ids)).map((order) => order.id);
      return (await heldReservations(dbs, orderIds)) === buyers && financial.refused() - refusedBefore >= 2 * buyers;
    }, CHECKOUT_DEADLINE_MS - 2_000);
    financial.setMode({ kind: 'pass' });

    const statuses = (await answers).map((answer) => answer.data?.checkout.status ?? answer.errors?.[0]?.message);
    expect(statuses).toEqual(Array.from({ length: buyers }, () => 'PAID'));
    const orders = await ordersOf(dbs, ids);
    const orderIds = orders.map((order) => order.id);
    expect(orders.map((order) => order.status)).toEqual(Array.from({ length: buyers }, () => 'PAID'));
    const charges = await chargesOf(dbs, ids);
    expect(ids.map((id) => charges.get(id))).toEqual(Array.from({ length: buyers }, () => 1));
    expect(await Promise.all(ids.map((id) => balanceOf(dbs, id)))).toEqual(Array.from({ length: buyers }, () => 4_000));
    const payments = await dbs.financial.queryOne<{ n: number; total: number }>(
      `SELECT count(*)::int AS n, sum(amount)::int AS total FROM payments
       WHERE order_id = ANY($1::uuid[]) AND status = 'CAPTURED'`,
      [orderIds],
    );
    expect(payments).toEqual({ n: buyers, total: buyers * 1_000 });
    expect([await heldReservations(dbs, orderIds), await stockOf(dbs, product)]).toEqual([0, 5]);
  });

  it('should not ask again after a decline: the order ends PAYMENT_DECLINED with its stock back', async () => {
    const { agora, dbs, financial } = outage;
    const product = await addProduct(dbs, 3, 1_000);
    const [buyer] = await shoppers(agora, 1, 999, product);
    const { id, token } = buyer as { id: string; token: string };
    financial.setMode({ kind: 'down' });
    const refusedBefore = financial.refused();

    const answer = checkout(agora, token, 'declined-after-outage');
    await eventually(async () => financial.refused() - refusedBefore >= 4, CHECKOUT_DEADLINE_MS / 2);
    const forwardedBefore = financial.forwarded();
    financial.setMode({ kind: 'pass' });

    expect(dataOf(await answer).checkout).toMatchObject({
      __typename: 'PaymentDeclined',
      balance: { amount: 999 },
      amount: { amount: 1_000 },
    });
    // The one charge that reached financial was declined, and was not asked again.
    expect(financial.forwarded() - forwardedBefore).toBe(1);
    const [order] = await ordersOf(dbs, [id]);
    expect(await checkoutInvariants(dbs, order?.id as string)).toEqual({
      order: { status: 'PAYMENT_DECLINED', total_amount: 1_000 },
      payment: null,
      reservation: { status: 'RELEASED' },
    });
    expect([await stockOf(dbs, product), await balanceOf(dbs, id)]).toEqual([3, 999]);
  });
});

describe('checkout through a financial outage longer than its deadline', () => {
  const SERVICE_TIMEOUT_MS = 1_000;
  const CHECKOUT_DEADLINE_MS = 1_500;
  let outage: OutageAgora;

  beforeAll(async () => {
    outage = await startOutageAgora(SERVICE_TIMEOUT_MS, CHECKOUT_DEADLINE_MS);
  });

  afterEach(() => {
    outage.financial.setMode({ kind: 'pass' });
  });

  afterAll(async () => {
    await outage.stop();
  });

  it('should answer "ask again with the same key", then settle every order in one recovery round', async () => {
    const { agora, dbs, financial } = outage;
    // More than the 20 orders the old recovery took per round.
    const [charged, unreached] = [15, 15];
    const product = await addProduct(dbs, 40, 1_000);
    const chargedPeople = await shoppers(agora, charged, 5_000, product);
    const unreachedPeople = await shoppers(agora, unreached, 5_000, product);
    // The first charges land but their answers are lost; then financial is cut for the others.
    financial.setMode({ kind: 'slowResponse', delayMs: SERVICE_TIMEOUT_MS * 2 });
    const chargedIds = chargedPeople.map((person) => person.id);
    const chargedAnswers = Promise.all(chargedPeople.map((person) => checkout(agora, person.token, 'long')));
    // Each first attempt is forwarded whatever the deadline, so this needs no tight bound.
    await eventually(async () => (await chargesOf(dbs, chargedIds)).size === charged, 10_000);
    financial.setMode({ kind: 'down' });
    const unreachedAnswers = Promise.all(unreachedPeople.map((person) => checkout(agora, person.token, 'long')));

    const answers = [...(await chargedAnswers), ...(await unreachedAnswers)];
    expect(answers.map(errorCodes)).toEqual(answers.map(() => ['SERVICE_UNAVAILABLE']));
    expect(answers.every((answer) => answer.errors?.[0]?.message.includes('same idempotency key'))).toBe(true);

    financial.setMode({ kind: 'pass' });
    await eventually(async () => financial.held() === 0, CHECKOUT_DEADLINE_MS * 5);
    await outage.recoverOnce();

    const unreachedIds = unreachedPeople.map((person) => person.id);
    const orders = await ordersOf(dbs, [...chargedIds, ...unreachedIds]);
    const outcomes = await Promise.all(
      orders.map(async (order) => {
        const { order: ended, payment, reservation } = await checkoutInvariants(dbs, order.id);
        return {
          charged: chargedIds.includes(order.user_id),
          status: ended?.status,
          payment: payment?.status ?? null,
          reservation: reservation?.status,
          balance: await balanceOf(dbs, order.user_id),
        };
      }),
    );
    const expected = (wasCharged: boolean) =>
      wasCharged
        ? { charged: true, status: 'PAID', payment: 'CAPTURED', reservation: 'COMMITTED', balance: 4_000 }
        : { charged: false, status: 'ABANDONED', payment: null, reservation: 'RELEASED', balance: 5_000 };
    expect(outcomes).toEqual(outcomes.map((outcome) => expected(outcome.charged)));
    expect(outcomes).toHaveLength(charged + unreached);
    expect(await stockOf(dbs, product)).toBe(40 - charged);

    // The same key now tells each shopper how it ended.
    const again = await checkout(agora, (unreachedPeople[0] as { token: string }).token, 'long');
    expect(dataOf(again).checkout).toMatchObject({ __typename: 'CheckoutFailed', code: 'CHECKOUT_FAILED' });
    const paid = await checkout(agora, (chargedPeople[0] as { token: string }).token, 'long');
    expect(dataOf(paid).checkout).toMatchObject({ __typename: 'Order', status: 'PAID' });
  });

  it('should settle a backlog of 200 interrupted checkouts in one recovery round, their stock back at once', async () => {
    const { agora, dbs, financial } = outage;
    const backlog = 200;
    const product = await addProduct(dbs, backlog, 100);
    // One shopper checking out the same cart under 200 keys: 200 orders, one unit each.
    const [buyer] = await shoppers(agora, 1, 5_000, product);
    const { id, token } = buyer as { id: string; token: string };
    financial.setMode({ kind: 'down' });
    const keys = Array.from({ length: backlog }, (_, n) => `backlog-${n}`);
    const codes: unknown[][] = [];
    await inParallel(keys, 32, async (key) => {
      codes.push(errorCodes(await checkout(agora, token, key)));
    });
    expect(codes).toEqual(keys.map(() => ['SERVICE_UNAVAILABLE']));
    expect((await ordersOf(dbs, [id])).filter((order) => order.status === 'PENDING')).toHaveLength(backlog);
    financial.setMode({ kind: 'pass' });

    await outage.recoverOnce();

    const orders = await ordersOf(dbs, [id]);
    expect(orders.filter((order) => order.status === 'ABANDONED')).toHaveLength(backlog);
    expect(
      await heldReservations(
        dbs,
        orders.map((order) => order.id),
      ),
    ).toBe(0);
    expect([await stockOf(dbs, product), await balanceOf(dbs, id)]).toEqual([backlog, 5_000]);
    expect(await dbs.financial.query('SELECT 1 FROM payments WHERE account_id = $1', [id])).toEqual([]);
  });
});
