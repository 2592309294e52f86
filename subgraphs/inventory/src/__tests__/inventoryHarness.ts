import { runMigrations } from '@agora/db';
import { createTestDatabase, serveTestSubgraph } from '@agora/testkit';
import { INVENTORY_MIGRATIONS_DIR, createInventorySubgraph, createProductStore } from '../subgraph.js';
import type { NewProduct } from '../store/productStore.js';

/** The inventory subgraph on its own fresh database, served on a free port. */
export async function startInventory() {
  const database = await createTestDatabase('inventory');
  await runMigrations(database.db, INVENTORY_MIGRATIONS_DIR);
  const subgraph = await serveTestSubgraph(createInventorySubgraph({ db: database.db }));
  const store = createProductStore(database.db);
  return {
    database,
    subgraph,
    /** Adds products and returns their ids in the order given. */
    async addProducts(products: NewProduct[]) {
      await store.insertProducts(products);
      const rows = await database.db.query<{ id: string; sku: string }>(
        'SELECT id, sku FROM products WHERE sku = ANY($1)',
        [products.map((p) => p.sku)],
      );
      return products.map((p) => rows.find((row) => row.sku === p.sku)?.id as string);
    },
    async stop() {
      await subgraph.stop();
      await database.drop();
    },
  };
}

export type InventoryHarness = Awaited<ReturnType<typeof startInventory>>;

export function product(sku: string, overrides: Partial<NewProduct> = {}): NewProduct {
  return {
    sku,
    name: `Product ${sku}`,
    description: `About ${sku}`,
    priceAmount: 1000,
    currency: 'EUR',
    stock: 10,
    ...overrides,
  };
}
