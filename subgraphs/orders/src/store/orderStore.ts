import type { Db } from '@agora/db';
import type { PageRequest } from '@agora/service';

/** Statuses clients see. */
export type PublicOrderStatus = 'PENDING' | 'PAID' | 'PAYMENT_DECLINED' | 'CANCELLED';

/**
 * Statuses of checkouts that produced no order for the buyer: REJECTED (stock ran short)
 * and ABANDONED (an interrupted checkout the recovery undid). Kept for idempotent replies,
 * never shown.
 */
export type HiddenOrderStatus = 'REJECTED' | 'ABANDONED';

export type OrderStatus = PublicOrderStatus | HiddenOrderStatus;

export function isHidden(status: OrderStatus): status is HiddenOrderStatus {
  return status === 'REJECTED' || status === 'ABANDONED';
}

export interface Money {
  amount: number;
  currency: string;
}

/** What a checkout that did not pay answered, kept so a retry answers the same. */
export type StoredOutcome =
  | { kind: 'insufficientStock'; productId: string; productName: string; requested: number; available: number }
  | { kind: 'paymentDeclined'; balance: Money; amount: Money };

export interface OrderRecord {
  id: string;
  userId: string;
  status: OrderStatus;
  totalAmount: number;
  currency: string;
  createdAt: Date;
  cartFingerprint: string;
  outcome: StoredOutcome | null;
  stockSettled: boolean;
  cancelRequestedAt: Date | null;
}

export interface OrderLineRecord {
  orderId: string;
  productId: string;
  quantity: number;
  unitPriceAmount: number;
  currency: string;
}

export const ORDER_COLUMNS = `id, user_id AS "userId", status, total_amount AS "totalAmount", currency,
  created_at AS "createdAt", cart_fingerprint AS "cartFingerprint", outcome, stock_settled AS "stockSettled",
  cancel_requested_at AS "cancelRequestedAt"`;

/** Rows a buyer sees in their history. */
const VISIBLE = `status NOT IN ('REJECTED', 'ABANDONED')`;

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
            `SELECT ${ORDER_COLUMNS} FROM orders WHERE user_id = $1 AND ${VISIBLE}
             ORDER BY created_at DESC, id DESC LIMIT $2`,
            [userId, page.limit + 1],
          )
        : db.query<OrderRecord>(
            `SELECT ${ORDER_COLUMNS} FROM orders
             WHERE user_id = $1 AND ${VISIBLE} AND (created_at, id) < ($2::timestamptz, $3::uuid)
             ORDER BY created_at DESC, id DESC LIMIT $4`,
            [userId, page.after.key, page.after.id, page.limit + 1],
          );
    },

    async countOrdersOfUser(userId: string) {
      const row = await db.queryOne<{ count: number }>(
        `SELECT count(*)::int AS count FROM orders WHERE user_id = $1 AND ${VISIBLE}`,
        [userId],
      );
      return row?.count ?? 0;
    },
  };
}

export type OrderStore = ReturnType<typeof createOrderStore>;
