import { dataOf, errorCodes } from '@agora/testkit';
import { product, startInventory, type InventoryHarness } from './inventoryHarness.js';

interface ProductsPage {
  products: {
    nodes: { sku: string }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}

const PRODUCTS = `query ($first: Int, $after: String) {
  products(first: $first, after: $after) { nodes { sku } pageInfo { hasNextPage endCursor } totalCount }
}`;

describe('inventory products', () => {
  let inventory: InventoryHarness;
  let ids: string[];

  beforeAll(async () => {
    inventory = await startInventory();
    ids = await inventory.addProducts(
      Array.from({ length: 60 }, (_, i) => product(`SKU-${String(i).padStart(3, '0')}`, { stock: i % 3 })),
    );
  });

  afterAll(async () => {
    await inventory.stop();
  });

  it('should walk the whole catalogue in SKU order when following cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: ProductsPage = dataOf(await inventory.subgraph.request<ProductsPage>(PRODUCTS, { first: 25, after }));
      seen.push(...page.products.nodes.map((node) => node.sku));
      expect(page.products.totalCount).toBe(60);
      pages++;
      if (!page.products.pageInfo.hasNextPage) break;
      after = page.products.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => `SKU-${String(i).padStart(3, '0')}`));
  });

  it('should give a product with price and stock when asked by id', async () => {
    const result = await inventory.subgraph.request(
      `query ($id: ID!) { product(id: $id) { sku name price { amount currency } stock inStock } }`,
      { id: ids[4] },
    );
    expect(dataOf(result)).toEqual({
      product: {
        sku: 'SKU-004',
        name: 'Product SKU-004',
        price: { amount: 1000, currency: 'EUR' },
        stock: 1,
        inStock: true,
      },
    });
  });

  it.each(['6f1c2a57-0000-4000-8000-000000000000', 'not-a-uuid', ''])(
    'should answer null when no product has the id %p',
    async (id) => {
      expect(dataOf(await inventory.subgraph.request(`query ($id: ID!) { product(id: $id) { id } }`, { id }))).toEqual({
        product: null,
      });
    },
  );

  it.each([0, -5, 101])('should refuse a page size of %p with BAD_USER_INPUT', async (first) => {
    const result = await inventory.subgraph.request(PRODUCTS, { first });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toBe(`first must be between 1 and 100, got ${first}.`);
  });

  it.each([
    ['text that is no cursor', "'; DROP TABLE products; --"],
    [
      'a decodable cursor with a forged id',
      Buffer.from(JSON.stringify(['SKU-001', 'not-a-uuid'])).toString('base64url'),
    ],
  ])('should refuse %s with BAD_USER_INPUT', async (_case, after) => {
    const result = await inventory.subgraph.request(PRODUCTS, { after });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('should load 50 products with one SQL statement when resolved as entities', async () => {
    inventory.database.resetQueryCount();
    const result = await inventory.subgraph.request(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name stock price { amount } } } }`,
      { r: ids.slice(0, 50).map((id) => ({ __typename: 'Product', id })) },
    );
    expect((dataOf(result) as { _entities: unknown[] })._entities).toHaveLength(50);
    expect(inventory.database.queryCount()).toBe(1);
  });

  it('should count only the rows it needs when a page of 50 is listed without totalCount', async () => {
    inventory.database.resetQueryCount();
    const result = await inventory.subgraph.request<{ products: { nodes: { sku: string }[] } }>(
      `{ products(first: 50) { nodes { id sku stock inStock } } }`,
    );
    expect(
      dataOf(result)
        .products.nodes.map((node) => node.sku)
        .slice(0, 2),
    ).toEqual(['SKU-000', 'SKU-001']);
    expect(dataOf(result).products.nodes).toHaveLength(50);
    expect(inventory.database.queryCount()).toBe(1);
  });
});
