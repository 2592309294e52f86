import { randomUUID } from 'node:crypto';
import { dataOf, errorCodes } from '@agora/testkit';
import { product, startInventory, type InventoryHarness } from './inventoryHarness.js';

const RESERVE = `mutation ($orderId: ID!, $lines: [StockLineInput!]!) {
  reserveStock(orderId: $orderId, lines: $lines) {
    __typename
    ... on StockReservation { orderId status lines { productId quantity unitPrice { amount currency } } }
    ... on StockShortage { productId requested available }
  }
}`;

const CHANGE = (field: string) =>
  `mutation ($orderId: ID!) { ${field}(orderId: $orderId) { status lines { productId quantity } } }`;

interface Reservation {
  __typename: string;
  status?: string;
  lines?: { productId: string; quantity: number }[];
  available?: number;
}

describe('inventory reservations', () => {
  let inventory: InventoryHarness;

  beforeAll(async () => {
    inventory = await startInventory();
  });

  afterAll(async () => {
    await inventory.stop();
  });

  async function stockOf(id: string) {
    return (await inventory.database.db.queryOne<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [id]))
      ?.stock;
  }

  async function reserve(orderId: string, lines: { productId: string; quantity: number }[]) {
    return dataOf(await inventory.subgraph.request<{ reserveStock: Reservation }>(RESERVE, { orderId, lines }))
      .reserveStock;
  }

  async function change(field: 'releaseStock' | 'commitStock' | 'restockOrder', orderId: string) {
    return dataOf(await inventory.subgraph.request<Record<string, Reservation | null>>(CHANGE(field), { orderId }))[
      field
    ];
  }

  it('should take every line from stock at current prices, once per order', async () => {
    const [mug, pen] = await inventory.addProducts([
      product('R-MUG', { stock: 5, priceAmount: 1250 }),
      product('R-PEN', { stock: 3, priceAmount: 3400 }),
    ]);
    const orderId = randomUUID();
    const lines = [
      { productId: mug as string, quantity: 2 },
      { productId: pen as string, quantity: 1 },
    ];

    const first = await reserve(orderId, lines);
    const again = await reserve(orderId, lines);

    expect(first).toEqual({
      __typename: 'StockReservation',
      orderId,
      status: 'RESERVED',
      lines: expect.arrayContaining([
        { productId: mug, quantity: 2, unitPrice: { amount: 1250, currency: 'EUR' } },
        { productId: pen, quantity: 1, unitPrice: { amount: 3400, currency: 'EUR' } },
      ]),
    });
    expect(again).toEqual(first);
    expect([await stockOf(mug as string), await stockOf(pen as string)]).toEqual([3, 2]);
  });

  it('should take nothing and name the product when one line is short', async () => {
    const [plenty, scarce] = await inventory.addProducts([
      product('S-PLENTY', { stock: 10 }),
      product('S-SCARCE', { stock: 1 }),
    ]);
    const result = await reserve(randomUUID(), [
      { productId: plenty as string, quantity: 4 },
      { productId: scarce as string, quantity: 2 },
    ]);
    expect(result).toEqual({ __typename: 'StockShortage', productId: scarce, requested: 2, available: 1 });
    expect([await stockOf(plenty as string), await stockOf(scarce as string)]).toEqual([10, 1]);
  });

  it('should give units back once when released, and fence an order released before it reserved', async () => {
    const [id] = await inventory.addProducts([product('REL', { stock: 4 })]);
    const orderId = randomUUID();
    await reserve(orderId, [{ productId: id as string, quantity: 3 }]);

    expect(await change('releaseStock', orderId)).toEqual({
      status: 'RELEASED',
      lines: [{ productId: id, quantity: 3 }],
    });
    expect(await change('releaseStock', orderId)).toMatchObject({ status: 'RELEASED' });
    expect(await stockOf(id as string)).toBe(4);

    const abandoned = randomUUID();
    expect(await change('releaseStock', abandoned)).toEqual({ status: 'RELEASED', lines: [] });
    expect(await reserve(abandoned, [{ productId: id as string, quantity: 1 }])).toMatchObject({
      status: 'RELEASED',
      lines: [],
    });
    expect(await stockOf(id as string)).toBe(4);
  });

  it('should mark units sold on commit, and return them once on restock', async () => {
    const [id] = await inventory.addProducts([product('SOLD', { stock: 2 })]);
    const orderId = randomUUID();
    await reserve(orderId, [{ productId: id as string, quantity: 2 }]);

    expect(await change('commitStock', orderId)).toMatchObject({ status: 'COMMITTED' });
    expect(await change('releaseStock', orderId)).toMatchObject({ status: 'COMMITTED' });
    expect(await stockOf(id as string)).toBe(0);
    expect(await change('restockOrder', orderId)).toMatchObject({ status: 'RESTOCKED' });
    expect(await change('restockOrder', orderId)).toMatchObject({ status: 'RESTOCKED' });
    expect(await stockOf(id as string)).toBe(2);
    expect(await change('commitStock', randomUUID())).toBeNull();
  });

  it('should reserve exactly the stock there is when 120 orders race for 30 units', async () => {
    const [id] = await inventory.addProducts([product('RACE', { stock: 30 })]);
    const results = await Promise.all(
      Array.from({ length: 120 }, () => reserve(randomUUID(), [{ productId: id as string, quantity: 1 }])),
    );
    expect(results.filter((result) => result.__typename === 'StockReservation')).toHaveLength(30);
    expect(results.filter((result) => result.__typename === 'StockShortage')).toHaveLength(90);
    expect(await stockOf(id as string)).toBe(0);
  });

  it.each([
    ['no lines', []],
    ['a zero quantity', [{ productId: randomUUID(), quantity: 0 }]],
    [
      'a product twice',
      [
        { productId: '6f1c2a57-0000-4000-8000-000000000000', quantity: 1 },
        { productId: '6f1c2a57-0000-4000-8000-000000000000', quantity: 1 },
      ],
    ],
    ['a product id that is not one', [{ productId: 'x', quantity: 1 }]],
  ])('should refuse a request with %s', async (_case, lines) => {
    expect(errorCodes(await inventory.subgraph.request(RESERVE, { orderId: randomUUID(), lines }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });
});
