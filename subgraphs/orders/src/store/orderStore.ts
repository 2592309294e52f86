import type { Db } from '@agora/db';
import type { PageRequest } from '@agora/service';

export type OrderStatus = 'PENDING' | 'PAID' | 'PAYMENT_DECLINED' | 'CANCELLED';

export interface OrderRecord {
  id: string;
  userId: string;
  status: OrderStatus;
  totalAmount: number;
  currency: string;
  createdAt: Date;
}

export interface OrderLineRecord {
  orderId: string;
  productId: string;
  quantity: number;
  unitPriceAmount: number;
  currency: string;
}

const ORDER_COLUMNS = `id, user_id AS "userId", status, total_amount AS "totalAmount", currency, created_at AS "createdAt"`;

/** SQL for orders and their lines; plain records out. */
export function createOrderStore(db: Db) {
  return {
    findOrdersByIds(ids: readonly string[]) {
      return db.query<OrderRecord>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ANY($1::uuid[])`, [ids]);
    },

    findLinesByOrderIds(orderIds: readonly string[]) {
      return db.query<OrderLineRecord>(
        `SELECT l.order_id AS "orderId", l.product_id AS "productId", l.quantity,
                l.unit_price_amount AS "unitPriceAmount", o.currency
         FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE l.order_id = ANY($1::uuid[]) ORDER BY l.product_id`,
        [orderIds],
      );
    },

    /** A user's orders, newest first; one row more than asked, to tell if another page follows. */
    listOrdersOfUser(userId: string, page: PageRequest) {
      return page.after === null
        ? db.query<OrderRecord>(
            `SELECT ${ORDER_COLUMNS} FROM orders WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
            [userId, page.limit + 1],
          )
        : db.query<OrderRecord>(
            `SELECT ${ORDER_COLUMNS} FROM orders WHERE user_id = $1 AND (created_at, id) < ($2::timestamptz, $3::uuid)
             ORDER BY created_at DESC, id DESC LIMIT $4`,
            [userId, page.after.key, page.after.id, page.limit + 1],
          );
    },

    async countOrdersOfUser(userId: string) {
      const row = await db.queryOne<{ count: number }>('SELECT count(*)::int AS count FROM orders WHERE user_id = $1', [
        userId,
      ]);
      return row?.count ?? 0;
    },
  };
}

export type OrderStore = ReturnType<typeof createOrderStore>;
