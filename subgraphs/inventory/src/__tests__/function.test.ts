import { silentLogger } from '@agora/service';
import { describeSubgraphFunctionContract, startTestFunction, type TestFunction } from '@agora/testkit';
import { createInventoryFunction } from '../function.js';
import { INVENTORY_MIGRATIONS_DIR, INVENTORY_SCHEMA_PATH, createProductStore } from '../subgraph.js';

let harness: TestFunction;

beforeAll(async () => {
  harness = await startTestFunction('inventory', (env) => createInventoryFunction(env, silentLogger));
});

afterAll(async () => {
  await harness.stop();
});

describeSubgraphFunctionContract('inventory', {
  schemaPath: INVENTORY_SCHEMA_PATH,
  migrationsDir: INVENTORY_MIGRATIONS_DIR,
  harness: () => harness,
});

describe('inventory function', () => {
  const PRODUCTS = `{ products(first: 5) { nodes { sku name price { amount currency } stock inStock } } }`;

  it.each(['gcf', 'lambda'] as const)('should list the catalogue through the %s handler', async (platform) => {
    await harness.coldStart();
    const sku = `FN-${platform}`;
    await createProductStore(harness.database.db).insertProducts([
      { sku, name: `Lamp ${platform}`, description: 'Bright.', priceAmount: 2500, currency: 'EUR', stock: 4 },
    ]);
    const result = await harness[platform].request<{ products: { nodes: unknown[] } }>(PRODUCTS);
    expect(result.errors).toBeUndefined();
    expect(result.data?.products.nodes).toContainEqual({
      sku,
      name: `Lamp ${platform}`,
      price: { amount: 2500, currency: 'EUR' },
      stock: 4,
      inStock: true,
    });
  });
});
