import { randomUUID } from 'node:crypto';
import { ServiceUnavailableError } from '@agora/errors';
import { ServiceCallError, type ServiceClient } from '@agora/service';
import { dataOf, errorCodes } from '@agora/testkit';
import {
  createFakeInventory,
  fakeProduct,
  someone,
  startOrders,
  type FakeProduct,
  type OrdersHarness,
} from './ordersHarness.js';

/** How long a checkout keeps asking in these tests (ample for the work before the reservation). */
const DEADLINE_MS = 2_000;

const ADD_ITEM = `mutation ($productId: ID!) { addItem(productId: $productId, quantity: 1) { __typename } }`;
const CHECKOUT = `mutation ($key: String!) {
  checkout(idempotencyKey: $key) { __typename ... on Order { id status } ... on ErrorResult { code } }
}`;

/**
 * The peers across the process edge: inventory (the harness's products, and reservations
 * that fail as a test says before they answer), financial that charges, users that accepts.
 */
function createFakePeers(products: FakeProduct[]) {
  const catalogue = createFakeInventory(products);
  const reservation = (status: string, lines: { productId: string; quantity: number }[]) => ({
    __typename: 'StockReservation',
    status,
    lines: lines.map((line) => ({ ...line, unitPrice: catalogue.byId.get(line.productId)?.price })),
  });
  const peers = {
    /** Thrown by the next reservation calls, one each, before they answer. */
    reserveFailures: [] as unknown[],
    /** Thrown by every reservation call while set. */
    reserveDown: undefined as unknown,
    reserveCalls: [] as { orderId: string; at: number }[],
    charged: [] as string[],
    inventory: {
      async request<Data>(query: string, variables: Record<string, unknown> = {}): Promise<Data> {
        const orderId = variables['orderId'] as string;
        if (query.includes('reserveStock')) {
          peers.reserveCalls.push({ orderId, at: Date.now() });
          const failure = peers.reserveDown ?? peers.reserveFailures.shift();
          if (failure !== undefined) throw failure;
          return { reserveStock: reservation('RESERVED', variables['lines'] as never) } as Data;
        }
        if (query.includes('commitStock')) return { commitStock: reservation('COMMITTED', []) } as Data;
        if (query.includes('releaseStock')) return { releaseStock: reservation('RELEASED', []) } as Data;
        return catalogue.client.request<Data>(query, variables);
      },
    } satisfies ServiceClient,
    financial: {
      async request<Data>(query: string, variables: Record<string, unknown> = {}): Promise<Data> {
        if (!query.includes('chargeOrder')) throw new Error(`financial was not expected to get ${query}`);
        peers.charged.push(variables['orderId'] as string);
        return { chargeOrder: { __typename: 'Payment', id: randomUUID(), status: 'CAPTURED' } } as Data;
      },
    } satisfies ServiceClient,
    users: { request: async <Data>() => ({ sessionActive: true }) as Data } satisfies ServiceClient,
  };
  return peers;
}

describe('checkout retries', () => {
  const mug = fakeProduct('Enamel mug', 1_000, 1_250);
  let peers: ReturnType<typeof createFakePeers>;
  let orders: OrdersHarness;

  beforeAll(async () => {
    peers = createFakePeers([mug]);
    orders = await startOrders([mug], {
      inventory: peers.inventory,
      financial: peers.financial,
      users: peers.users,
      checkout: {
        deadlineMs: DEADLINE_MS,
        retry: { initialBackoffMs: 10, maxBackoffMs: 50 },
        recoveryDeadlineMs: 3_600_000,
        recoveryIntervalMs: 3_600_000,
        recoveryBatchSize: 100,
        recoveryConcurrency: 8,
        duplicateWaitMs: 0,
        limits: { perUser: 100, perAddress: 100 },
      },
    });
  });

  beforeEach(() => {
    peers.reserveFailures = [];
    peers.reserveDown = undefined;
    peers.reserveCalls = [];
    peers.charged = [];
  });

  afterAll(async () => {
    await orders.stop();
  });

  /** A buyer with a mug in the cart, checking out. */
  async function checkOut() {
    const buyer = someone();
    await orders.subgraph.request(ADD_ITEM, { productId: mug.id }, buyer);
    const answer = await orders.subgraph.request<{ checkout: { __typename: string; id?: string; status?: string } }>(
      CHECKOUT,
      { key: randomUUID() },
      buyer,
    );
    const order = await orders.database.db.queryOne<{ id: string; status: string }>(
      'SELECT id, status FROM orders WHERE user_id = $1',
      [buyer.userId],
    );
    const cart = await orders.database.db.query('SELECT 1 FROM cart_items WHERE user_id = $1', [buyer.userId]);
    return { answer, order, cartLines: cart.length };
  }

  it('should end PAID, reserving under the one order id, when inventory does not answer twice', async () => {
    const unreachable = new ServiceUnavailableError('The inventory service did not answer (unreachable).');
    peers.reserveFailures = [unreachable, unreachable];

    const { answer, order, cartLines } = await checkOut();

    expect(dataOf(answer).checkout).toEqual({ __typename: 'Order', id: order?.id, status: 'PAID' });
    expect([order?.status, cartLines]).toEqual(['PAID', 0]);
    expect(peers.reserveCalls.map((call) => call.orderId)).toEqual([order?.id, order?.id, order?.id]);
    expect(peers.charged).toEqual([order?.id]);
  });

  it('should ask again when inventory answers SERVICE_UNAVAILABLE (its own database away)', async () => {
    peers.reserveFailures = [new ServiceCallError('inventory', ['database unreachable'], ['SERVICE_UNAVAILABLE'])];

    const { answer, order } = await checkOut();

    expect(dataOf(answer).checkout).toMatchObject({ __typename: 'Order', status: 'PAID' });
    expect([order?.status, peers.reserveCalls.length, peers.charged]).toEqual(['PAID', 2, [order?.id]]);
  });

  it('should not ask again after an error asking again cannot fix, and leave the order to recovery', async () => {
    peers.reserveFailures = [new ServiceCallError('inventory', ['Cannot query field'], ['GRAPHQL_VALIDATION_FAILED'])];

    const { answer, order } = await checkOut();

    expect(errorCodes(answer)).toEqual(['SERVICE_UNAVAILABLE']);
    expect([order?.status, peers.reserveCalls.length, peers.charged]).toEqual(['PENDING', 1, []]);
  });

  it('should answer "ask again with the same key" once inventory stays away past the deadline', async () => {
    peers.reserveDown = new ServiceUnavailableError('The inventory service did not answer (timed out).');

    const { answer, order } = await checkOut();

    expect(errorCodes(answer)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(answer.errors?.[0]?.message).toContain('ask again with the same idempotency key');
    expect([order?.status, peers.charged]).toEqual(['PENDING', []]);
    // Asked again, and never after the deadline (counted from before the first call).
    const first = peers.reserveCalls[0]?.at ?? 0;
    expect(peers.reserveCalls.length).toBeGreaterThan(2);
    expect(peers.reserveCalls.filter((call) => call.at > first + DEADLINE_MS)).toEqual([]);
  });
});
