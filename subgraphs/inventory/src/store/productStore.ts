import type { Db } from '@agora/db';
import type { PageRequest } from '@agora/service';

export interface ProductRecord {
  id: string;
  sku: string;
  name: string;
  description: string;
  priceAmount: number;
  currency: string;
  stock: number;
}

export interface NewProduct {
  sku: string;
  name: string;
  description: string;
  priceAmount: number;
  currency: string;
  stock: number;
}

const PRODUCT_COLUMNS = `id, sku, name, description, price_amount AS "priceAmount", currency, stock`;

/** SQL for the catalogue; plain records out. */
export function createProductStore(db: Db) {
  return {
    findProductsByIds(ids: readonly string[]) {
      return db.query<ProductRecord>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ANY($1::uuid[])`, [ids]);
    },

    /** A page ordered by SKU; fetches one row more than asked to tell if another page follows. */
    listProducts(page: PageRequest) {
      return page.after === null
        ? db.query<ProductRecord>(`SELECT ${PRODUCT_COLUMNS} FROM products ORDER BY sku, id LIMIT $1`, [page.limit + 1])
        : db.query<ProductRecord>(
            `SELECT ${PRODUCT_COLUMNS} FROM products WHERE (sku, id) > ($1, $2::uuid) ORDER BY sku, id LIMIT $3`,
            [page.after.key, page.after.id, page.limit + 1],
          );
    },

    async countProducts() {
      const row = await db.queryOne<{ count: number }>('SELECT count(*)::int AS count FROM products');
      return row?.count ?? 0;
    },

    /** Adds products whose SKU is new; existing SKUs are left as they are. Returns how many were added. */
    insertProducts(products: readonly NewProduct[]) {
      return db.execute(
        `INSERT INTO products (sku, name, description, price_amount, currency, stock)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::char(3)[], $6::int[])
         ON CONFLICT (sku) DO NOTHING`,
        [
          products.map((p) => p.sku),
          products.map((p) => p.name),
          products.map((p) => p.description),
          products.map((p) => p.priceAmount),
          products.map((p) => p.currency),
          products.map((p) => p.stock),
        ],
      );
    },
  };
}

export type ProductStore = ReturnType<typeof createProductStore>;
