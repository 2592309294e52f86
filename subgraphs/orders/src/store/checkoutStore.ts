import type { Db } from '@agora/db';
import { ORDER_COLUMNS, type OrderLineRecord, type OrderRecord, type StoredOutcome } from './orderStore.js';

export interface NewOrderLine {
  productId: string;
  quantity: number;
  unitPriceAmount: number;
}

export interface NewOrder {
  userId: string;
  idempotencyKey: string;
  cartFingerprint: string;
  currency: string;
  lines: readonly NewOrderLine[];
}

/** How a checkout that paid nothing ended. */
export type UnpaidEnd = 'REJECTED' | 'PAYMENT_DECLINED' | 'ABANDONED';

/** Keep in step with the orders_unfinished_idx index (migration 0002). */
const UNFINISHED = `status <> 'PENDING' AND (NOT stock_settled OR (status = 'PAID' AND cancel_requested_at IS NOT NULL))`;

const totalOf = (lines: readonly NewOrderLine[]) =>
  lines.reduce((sum, line) => sum + line.quantity * line.unitPriceAmount, 0);

/**
 * SQL for the checkout saga's durable state. Every change of status is conditional on the
 * status it leaves, so the saga and the recovery loop racing on one order cannot both win:
 * each returns the order as it stands afterwards.
 */
export function createCheckoutStore(db: Db) {
  async function findOrder(orderId: string): Promise<OrderRecord> {
    return (await db.queryOne<OrderRecord>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [
      orderId,
    ])) as OrderRecord;
  }

  /**
   * Claims orders for the recovery loop: bumps updated_at, so other instances (whose claims
   * skip the rows this one holds) and later claims before the next cutoff leave them alone.
   */
  function claim(condition: string, staleBefore: Date, limit: number) {
    return db.query<OrderRecord>(
      `UPDATE orders SET updated_at = now()
       WHERE id IN (
         SELECT id FROM orders WHERE ${condition} AND updated_at < $1
         ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       RETURNING ${ORDER_COLUMNS}`,
      [staleBefore, limit],
    );
  }

  return {
    findOrder,

    findOrderByKey(userId: string, idempotencyKey: string) {
      return db.queryOne<OrderRecord>(
        `SELECT ${ORDER_COLUMNS} FROM orders WHERE user_id = $1 AND idempotency_key = $2`,
        [userId, idempotencyKey],
      );
    },

    findLines(orderId: string) {
      return db.query<OrderLineRecord>(
        `SELECT l.order_id AS "orderId", l.product_id AS "productId", l.quantity,
                l.unit_price_amount AS "unitPriceAmount", o.currency
         FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.order_id = $1 ORDER BY l.product_id`,
        [orderId],
      );
    },

    /** The order, PENDING, with its lines; null when the user already used the key (a duplicate). */
    insertPendingOrder(order: NewOrder): Promise<OrderRecord | null> {
      return db.transaction(async (tx) => {
        const created = await tx.queryOne<OrderRecord>(
          `INSERT INTO orders (user_id, idempotency_key, status, total_amount, currency, cart_fingerprint)
           VALUES ($1, $2, 'PENDING', $3, $4, $5)
           ON CONFLICT (user_id, idempotency_key) DO NOTHING
           RETURNING ${ORDER_COLUMNS}`,
          [order.userId, order.idempotencyKey, totalOf(order.lines), order.currency, order.cartFingerprint],
        );
        if (created === null) return null;
        await tx.execute(
          `INSERT INTO order_lines (order_id, product_id, quantity, unit_price_amount)
           SELECT $1::uuid, * FROM unnest($2::uuid[], $3::int[], $4::int[])`,
          [
            created.id,
            order.lines.map((line) => line.productId),
            order.lines.map((line) => line.quantity),
            order.lines.map((line) => line.unitPriceAmount),
          ],
        );
        return created;
      });
    },

    /** Sets the prices inventory reserved at (they win over the ones read earlier), while PENDING. */
    repriceLines(orderId: string, lines: readonly NewOrderLine[]): Promise<OrderRecord> {
      return db.transaction(async (tx) => {
        for (const line of lines) {
          await tx.execute('UPDATE order_lines SET unit_price_amount = $3 WHERE order_id = $1 AND product_id = $2', [
            orderId,
            line.productId,
            line.unitPriceAmount,
          ]);
        }
        await tx.execute(
          `UPDATE orders SET total_amount = $2, updated_at = now() WHERE id = $1 AND status = 'PENDING'`,
          [orderId, totalOf(lines)],
        );
        return (await tx.queryOne<OrderRecord>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [
          orderId,
        ])) as OrderRecord;
      });
    },

    /** Ends a PENDING order without payment; its stock is settled (given back) after this. */
    async endUnpaid(orderId: string, status: UnpaidEnd, outcome: StoredOutcome | null): Promise<OrderRecord> {
      await db.execute(
        `UPDATE orders SET status = $2, outcome = $3, updated_at = now()
         WHERE id = $1 AND status = 'PENDING'`,
        [orderId, status, outcome === null ? null : JSON.stringify(outcome)],
      );
      return findOrder(orderId);
    },

    /** Marks a charged order PAID and empties the cart of what it bought, in one transaction. */
    markPaid(orderId: string): Promise<OrderRecord> {
      return db.transaction(async (tx) => {
        const order = await tx.queryOne<OrderRecord>(
          `UPDATE orders SET status = 'PAID', updated_at = now() WHERE id = $1 AND status = 'PENDING'
           RETURNING ${ORDER_COLUMNS}`,
          [orderId],
        );
        if (order !== null) {
          await tx.execute(
            `DELETE FROM cart_items c USING order_lines l
             WHERE l.order_id = $1 AND c.user_id = $2 AND c.product_id = l.product_id`,
            [orderId, order.userId],
          );
          return order;
        }
        return (await tx.queryOne<OrderRecord>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [
          orderId,
        ])) as OrderRecord;
      });
    },

    async markStockSettled(orderId: string): Promise<void> {
      await db.execute('UPDATE orders SET stock_settled = true WHERE id = $1', [orderId]);
    },

    /** Records that the buyer asked to cancel a PAID order (kept until the cancel completes). */
    async requestCancel(orderId: string): Promise<OrderRecord> {
      await db.execute(
        `UPDATE orders SET cancel_requested_at = coalesce(cancel_requested_at, now()), updated_at = now()
         WHERE id = $1 AND status = 'PAID'`,
        [orderId],
      );
      return findOrder(orderId);
    },

    async markCancelled(orderId: string): Promise<OrderRecord> {
      await db.execute(`UPDATE orders SET status = 'CANCELLED', updated_at = now() WHERE id = $1 AND status = 'PAID'`, [
        orderId,
      ]);
      return findOrder(orderId);
    },

    /** The moment `olderThanMs` ago by the database's clock, which every updated_at is written by. */
    async staleBefore(olderThanMs: number): Promise<Date> {
      const row = await db.queryOne<{ at: Date }>(`SELECT now() - make_interval(secs => $1::float / 1000) AS at`, [
        olderThanMs,
      ]);
      return (row as { at: Date }).at;
    },

    /** PENDING orders untouched since `staleBefore`: interrupted checkouts. */
    claimStalePending(staleBefore: Date, limit: number) {
      return claim(`status = 'PENDING'`, staleBefore, limit);
    },

    /** Ended orders inventory was not told about yet, and paid orders whose cancel did not complete. */
    claimUnfinished(staleBefore: Date, limit: number) {
      return claim(UNFINISHED, staleBefore, limit);
    },
  };
}

export type CheckoutStore = ReturnType<typeof createCheckoutStore>;
