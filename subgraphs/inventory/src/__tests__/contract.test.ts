import { describeSubgraphContract } from '@agora/testkit';
import { INVENTORY_SCHEMA_PATH } from '../subgraph.js';
import { product, startInventory, type InventoryHarness } from './inventoryHarness.js';

let inventory: InventoryHarness;

afterAll(async () => {
  await inventory.stop();
});

describeSubgraphContract('inventory', async () => {
  inventory = await startInventory();
  const [id] = await inventory.addProducts([product('SKU-1', { priceAmount: 1999, stock: 3 })]);
  return {
    schemaPath: INVENTORY_SCHEMA_PATH,
    subgraph: inventory.subgraph,
    entities: [
      {
        representation: { __typename: 'Product', id },
        selection: 'id sku price { amount currency } stock inStock',
        expected: { id, sku: 'SKU-1', price: { amount: 1999, currency: 'EUR' }, stock: 3, inStock: true },
      },
    ],
  };
});
