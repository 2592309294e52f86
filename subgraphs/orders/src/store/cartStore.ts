import type { Db } from '@agora/db';

export interface CartItemRecord {
  userId: string;
  productId: string;
  quantity: number;
}

const CART_ITEM_COLUMNS = `user_id AS "userId", product_id AS "productId", quantity`;

/** SQL for carts; plain records out. */
export function createCartStore(db: Db) {
  return {
    /** The items of several users' carts, oldest line first. */
    findCartItemsByUserIds(userIds: readonly string[]) {
      return db.query<CartItemRecord>(
        `SELECT ${CART_ITEM_COLUMNS} FROM cart_items WHERE user_id = ANY($1::uuid[]) ORDER BY added_at, product_id`,
        [userIds],
      );
    },

    findCartItem(userId: string, productId: string) {
      return db.queryOne<CartItemRecord>(
        `SELECT ${CART_ITEM_COLUMNS} FROM cart_items WHERE user_id = $1 AND product_id = $2`,
        [userId, productId],
      );
    },

    /** Adds units to a line (creating it), never past `maxQuantity`; null when that would be exceeded. */
    addToLine(userId: string, productId: string, quantity: number, maxQuantity: number) {
      return db.queryOne<CartItemRecord>(
        `INSERT INTO cart_items (user_id, product_id, quantity) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity
         WHERE cart_items.quantity + EXCLUDED.quantity <= $4
         RETURNING ${CART_ITEM_COLUMNS}`,
        [userId, productId, quantity, maxQuantity],
      );
    },

    removeLine(userId: string, productId: string) {
      return db.execute('DELETE FROM cart_items WHERE user_id = $1 AND product_id = $2', [userId, productId]);
    },
  };
}

export type CartStore = ReturnType<typeof createCartStore>;
