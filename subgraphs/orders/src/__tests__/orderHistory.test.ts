import { dataOf, errorCodes } from '@agora/testkit';
import { fakeProduct, insertOrder, someone, startOrders, type OrdersHarness } from './ordersHarness.js';

const ORDERS = `query ($r: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $r) {
    ... on User {
      orders(first: $first, after: $after) {
        nodes { id status total { amount } lines { product { id } quantity unitPrice { amount currency } lineTotal { amount } } buyer { id } }
        pageInfo { hasNextPage endCursor }
        totalCount
      }
    }
  }
}`;

interface OrdersPage {
  _entities: {
    orders: {
      nodes: { id: string; lines: unknown[] }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      totalCount: number;
    };
  }[];
}

describe('orders history', () => {
  const mug = fakeProduct('Mug', 5, 1250);
  let orders: OrdersHarness;

  beforeAll(async () => {
    orders = await startOrders([mug]);
  });

  afterAll(async () => {
    await orders.stop();
  });

  it('should list every order newest first across pages, including ones created in the same millisecond', async () => {
    const buyer = someone();
    const sameInstant = new Date('2026-01-01T10:00:00.123Z');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(
        await insertOrder(
          orders,
          buyer.userId,
          [{ productId: mug.id, quantity: 1, unitPriceAmount: 100 }],
          i < 4 ? sameInstant : new Date(Date.UTC(2026, 0, 2, 0, 0, i)),
        ),
      );
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const result = await orders.subgraph.request<OrdersPage>(
        ORDERS,
        { r: [{ __typename: 'User', id: buyer.userId }], first: 3, after },
        buyer,
      );
      const page: OrdersPage['_entities'][number]['orders'] = dataOf(result)._entities[0]!.orders;
      expect(page.totalCount).toBe(7);
      seen.push(...page.nodes.map((node) => node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen.slice(0, 3)).toEqual([ids[6], ids[5], ids[4]]);
  });

  it('should show an order with its lines priced as paid', async () => {
    const buyer = someone();
    const id = await insertOrder(orders, buyer.userId, [{ productId: mug.id, quantity: 3, unitPriceAmount: 999 }]);
    const result = await orders.subgraph.request<OrdersPage>(
      ORDERS,
      { r: [{ __typename: 'User', id: buyer.userId }] },
      buyer,
    );
    expect(dataOf(result)._entities[0]!.orders.nodes).toEqual([
      {
        id,
        status: 'PAID',
        total: { amount: 2997 },
        lines: [
          {
            product: { id: mug.id },
            quantity: 3,
            unitPrice: { amount: 999, currency: 'EUR' },
            lineTotal: { amount: 2997 },
          },
        ],
        buyer: { id: buyer.userId },
      },
    ]);
  });

  it("should refuse to list another user's orders", async () => {
    const owner = someone();
    await insertOrder(orders, owner.userId, [{ productId: mug.id, quantity: 1, unitPriceAmount: 100 }]);
    const result = await orders.subgraph.request(ORDERS, { r: [{ __typename: 'User', id: owner.userId }] }, someone());
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
  });

  it("should not resolve another user's order as an entity", async () => {
    const owner = someone();
    const id = await insertOrder(orders, owner.userId, [{ productId: mug.id, quantity: 1, unitPriceAmount: 100 }]);
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id total { amount } } } }`;
    const asStranger = await orders.subgraph.request(query, { r: [{ __typename: 'Order', id }] }, someone());
    const asOwner = await orders.subgraph.request(query, { r: [{ __typename: 'Order', id }] }, owner);
    expect(dataOf(asStranger)).toEqual({ _entities: [null] });
    expect(dataOf(asOwner)).toEqual({ _entities: [{ id, total: { amount: 100 } }] });
  });

  it('should load a page of 50 orders with their lines in three SQL statements', async () => {
    const buyer = someone();
    for (let i = 0; i < 50; i++) {
      await insertOrder(orders, buyer.userId, [{ productId: mug.id, quantity: 1, unitPriceAmount: 100 + i }]);
    }
    orders.database.resetQueryCount();
    const result = await orders.subgraph.request<OrdersPage>(
      ORDERS,
      { r: [{ __typename: 'User', id: buyer.userId }], first: 50 },
      buyer,
    );
    expect(dataOf(result)._entities[0]!.orders.nodes).toHaveLength(50);
    // The page, its lines, and the total count.
    expect(orders.database.queryCount()).toBe(3);
  });
});
