import { dataOf, errorCodes } from '@agora/testkit';
import { fakeProduct, someone, startOrders, type OrdersHarness } from './ordersHarness.js';

const ADD_ITEM = `mutation ($productId: ID!, $quantity: Int!) {
  addItem(productId: $productId, quantity: $quantity) {
    __typename
    ... on Cart { itemCount total { amount currency } items { product { id } quantity unitPrice { amount } lineTotal { amount } } }
    ... on ErrorResult { code message }
    ... on InsufficientStock { product { id } requested available }
    ... on ProductNotFound { productId }
    ... on InvalidInput { field }
  }
}`;

const CART = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { cart { itemCount total { amount } items { quantity } } } } }`;

describe('orders cart', () => {
  const mug = fakeProduct('Enamel mug', 5, 1250);
  const pen = fakeProduct('Fountain pen', 2, 3400);
  let orders: OrdersHarness;

  beforeAll(async () => {
    orders = await startOrders([mug, pen]);
  });

  afterAll(async () => {
    await orders.stop();
  });

  async function cartRows(userId: string) {
    return orders.database.db.query<{ product_id: string; quantity: number }>(
      'SELECT product_id, quantity FROM cart_items WHERE user_id = $1 ORDER BY added_at',
      [userId],
    );
  }

  it('should add units to a line, priced from inventory, when the product has stock', async () => {
    const buyer = someone();
    await orders.subgraph.request(ADD_ITEM, { productId: mug.id, quantity: 1 }, buyer);
    const result = await orders.subgraph.request(ADD_ITEM, { productId: mug.id, quantity: 2 }, buyer);
    const second = await orders.subgraph.request(ADD_ITEM, { productId: pen.id, quantity: 1 }, buyer);

    expect(dataOf(result)).toEqual({
      addItem: {
        __typename: 'Cart',
        itemCount: 3,
        total: { amount: 3750, currency: 'EUR' },
        items: [{ product: { id: mug.id }, quantity: 3, unitPrice: { amount: 1250 }, lineTotal: { amount: 3750 } }],
      },
    });
    expect(dataOf(second)).toMatchObject({ addItem: { itemCount: 4, total: { amount: 7150, currency: 'EUR' } } });
    expect(await cartRows(buyer.userId)).toEqual([
      { product_id: mug.id, quantity: 3 },
      { product_id: pen.id, quantity: 1 },
    ]);
  });

  it('should answer InsufficientStock naming the product and what is left, and change nothing', async () => {
    const buyer = someone();
    await orders.subgraph.request(ADD_ITEM, { productId: pen.id, quantity: 1 }, buyer);
    const result = await orders.subgraph.request(ADD_ITEM, { productId: pen.id, quantity: 2 }, buyer);
    expect(dataOf(result)).toEqual({
      addItem: {
        __typename: 'InsufficientStock',
        code: 'INSUFFICIENT_STOCK',
        message: 'Only 2 of "Fountain pen" left; you asked for 3.',
        product: { id: pen.id },
        requested: 3,
        available: 2,
      },
    });
    expect(await cartRows(buyer.userId)).toEqual([{ product_id: pen.id, quantity: 1 }]);
  });

  it.each([
    ['a negative quantity', -1, 'Quantity must be between 1 and 100, got -1.'],
    ['zero', 0, 'Quantity must be between 1 and 100, got 0.'],
    ['too many', 101, 'Quantity must be between 1 and 100, got 101.'],
  ])('should answer InvalidInput and write nothing when given %s', async (_case, quantity, message) => {
    const buyer = someone();
    const result = await orders.subgraph.request(ADD_ITEM, { productId: mug.id, quantity }, buyer);
    expect(dataOf(result)).toEqual({
      addItem: { __typename: 'InvalidInput', code: 'INVALID_INPUT', field: 'quantity', message },
    });
    expect(await cartRows(buyer.userId)).toEqual([]);
  });

  it.each(['0b5d3c1e-0000-4000-8000-000000000000', 'not-an-id'])(
    'should answer ProductNotFound and write nothing when the product id is %p',
    async (productId) => {
      const buyer = someone();
      const result = await orders.subgraph.request(ADD_ITEM, { productId, quantity: 1 }, buyer);
      expect(dataOf(result)).toEqual({
        addItem: {
          __typename: 'ProductNotFound',
          code: 'PRODUCT_NOT_FOUND',
          message: `No product has the id "${productId}".`,
          productId,
        },
      });
      expect(await cartRows(buyer.userId)).toEqual([]);
    },
  );

  it('should remove a line and leave the rest when removeItem is called, twice harmlessly', async () => {
    const buyer = someone();
    await orders.subgraph.request(ADD_ITEM, { productId: mug.id, quantity: 1 }, buyer);
    await orders.subgraph.request(ADD_ITEM, { productId: pen.id, quantity: 1 }, buyer);
    const remove = `mutation ($id: ID!) { removeItem(productId: $id) { itemCount items { product { id } } } }`;

    await orders.subgraph.request(remove, { id: mug.id }, buyer);
    const again = await orders.subgraph.request(remove, { id: mug.id }, buyer);

    expect(dataOf(again)).toEqual({ removeItem: { itemCount: 1, items: [{ product: { id: pen.id } }] } });
  });

  it('should show each mutation the cart as it left it when several run in one operation', async () => {
    const buyer = someone();
    const result = await orders.subgraph.request(
      `mutation ($mug: ID!, $pen: ID!) {
        first: addItem(productId: $mug, quantity: 1) { ... on Cart { itemCount } }
        second: addItem(productId: $pen, quantity: 2) { ... on Cart { itemCount total { amount } } }
        third: removeItem(productId: $mug) { itemCount total { amount } }
      }`,
      { mug: mug.id, pen: pen.id },
      buyer,
    );
    expect(dataOf(result)).toEqual({
      first: { itemCount: 1 },
      second: { itemCount: 3, total: { amount: 1250 + 2 * 3400 } },
      third: { itemCount: 2, total: { amount: 2 * 3400 } },
    });
  });

  it('should refuse to change a cart when the caller is anonymous', async () => {
    const result = await orders.subgraph.request(ADD_ITEM, { productId: mug.id, quantity: 1 });
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it("should refuse to show another user's cart", async () => {
    const owner = someone();
    await orders.subgraph.request(ADD_ITEM, { productId: mug.id, quantity: 1 }, owner);
    const result = await orders.subgraph.request(CART, { r: [{ __typename: 'User', id: owner.userId }] }, someone());
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(result.errors?.[0]?.message).toBe('You can only see your own cart.');
  });

  it('should price a whole cart with one inventory call and two SQL statements', async () => {
    const buyer = someone();
    await orders.subgraph.request(ADD_ITEM, { productId: mug.id, quantity: 2 }, buyer);
    await orders.subgraph.request(ADD_ITEM, { productId: pen.id, quantity: 1 }, buyer);
    orders.inventory.calls = 0;
    orders.database.resetQueryCount();

    const result = await orders.subgraph.request(CART, { r: [{ __typename: 'User', id: buyer.userId }] }, buyer);

    expect(dataOf(result)).toEqual({
      _entities: [{ cart: { itemCount: 3, total: { amount: 5900 }, items: [{ quantity: 2 }, { quantity: 1 }] } }],
    });
    expect(orders.inventory.calls).toBe(1);
    expect(orders.database.queryCount()).toBe(1);
  });
});
