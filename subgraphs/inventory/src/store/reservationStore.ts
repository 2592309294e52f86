import type { Db, Sql } from '@agora/db';

export type ReservationStatus = 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'RESTOCKED';

export interface ReservationLineRecord {
  productId: string;
  quantity: number;
  unitPriceAmount: number;
  currency: string;
}

export interface ReservationRecord {
  orderId: string;
  status: ReservationStatus;
  lines: ReservationLineRecord[];
}

export interface StockLine {
  productId: string;
  quantity: number;
}

export type ReserveOutcome =
  | { kind: 'reservation'; reservation: ReservationRecord }
  | { kind: 'shortage'; productId: string; requested: number; available: number };

/** Thrown inside a reserving transaction to roll every line back. */
class StockShortage extends Error {
  constructor(
    readonly productId: string,
    readonly requested: number,
    readonly available: number,
  ) {
    super(`only ${available} of ${productId} in stock, ${requested} asked for`);
  }
}

async function loadReservation(sql: Sql, orderId: string, lock: boolean): Promise<ReservationRecord | null> {
  const row = await sql.queryOne<{ status: ReservationStatus }>(
    `SELECT status FROM reservations WHERE order_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [orderId],
  );
  if (row === null) return null;
  const lines = await sql.query<ReservationLineRecord>(
    `SELECT product_id AS "productId", quantity, unit_price_amount AS "unitPriceAmount", currency
     FROM reservation_lines WHERE order_id = $1 ORDER BY product_id`,
    [orderId],
  );
  return { orderId, status: row.status, lines };
}

/** Puts a reservation's units back into stock. */
async function returnUnits(sql: Sql, orderId: string): Promise<void> {
  await sql.execute(
    `UPDATE products p SET stock = p.stock + l.quantity
     FROM reservation_lines l WHERE l.order_id = $1 AND l.product_id = p.id`,
    [orderId],
  );
}

async function setStatus(sql: Sql, reservation: ReservationRecord, status: ReservationStatus) {
  await sql.execute('UPDATE reservations SET status = $2, updated_at = now() WHERE order_id = $1', [
    reservation.orderId,
    status,
  ]);
  return { ...reservation, status };
}

/**
 * SQL for stock held per order. Every operation is idempotent per order and runs under the
 * reservation's row lock, so retries and concurrent calls for one order see one outcome.
 */
export function createReservationStore(db: Db) {
  return {
    findReservation(orderId: string) {
      return loadReservation(db, orderId, false);
    },

    /**
     * Takes every line from stock, all or none. Products are updated in id order, so two
     * orders sharing products never wait on each other in a circle.
     */
    async reserve(orderId: string, lines: readonly StockLine[]): Promise<ReserveOutcome> {
      try {
        return await db.transaction(async (tx) => {
          const claimed = await tx.queryOne(
            `INSERT INTO reservations (order_id, status) VALUES ($1, 'RESERVED') ON CONFLICT (order_id) DO NOTHING
             RETURNING order_id`,
            [orderId],
          );
          if (claimed === null) {
            // Reserved (or fenced) before: answer as it stands.
            return {
              kind: 'reservation',
              reservation: (await loadReservation(tx, orderId, true)) as ReservationRecord,
            };
          }
          const reserved: ReservationLineRecord[] = [];
          for (const line of [...lines].sort((a, b) => a.productId.localeCompare(b.productId))) {
            const taken = await tx.queryOne<{ priceAmount: number; currency: string }>(
              `UPDATE products SET stock = stock - $2 WHERE id = $1 AND stock >= $2
               RETURNING price_amount AS "priceAmount", currency`,
              [line.productId, line.quantity],
            );
            if (taken === null) {
              const product = await tx.queryOne<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [
                line.productId,
              ]);
              throw new StockShortage(line.productId, line.quantity, product?.stock ?? 0);
            }
            await tx.execute(
              `INSERT INTO reservation_lines (order_id, product_id, quantity, unit_price_amount, currency)
               VALUES ($1, $2, $3, $4, $5)`,
              [orderId, line.productId, line.quantity, taken.priceAmount, taken.currency],
            );
            reserved.push({
              productId: line.productId,
              quantity: line.quantity,
              unitPriceAmount: taken.priceAmount,
              currency: taken.currency,
            });
          }
          return { kind: 'reservation', reservation: { orderId, status: 'RESERVED', lines: reserved } };
        });
      } catch (error) {
        if (!(error instanceof StockShortage)) throw error;
        return { kind: 'shortage', productId: error.productId, requested: error.requested, available: error.available };
      }
    },

    /** Gives reserved units back; without a reservation, records a released one as a fence. */
    release(orderId: string): Promise<ReservationRecord> {
      return db.transaction(async (tx) => {
        const fenced = await tx.queryOne(
          `INSERT INTO reservations (order_id, status) VALUES ($1, 'RELEASED') ON CONFLICT (order_id) DO NOTHING
           RETURNING order_id`,
          [orderId],
        );
        if (fenced !== null) return { orderId, status: 'RELEASED' as const, lines: [] };
        const reservation = (await loadReservation(tx, orderId, true)) as ReservationRecord;
        if (reservation.status !== 'RESERVED') return reservation;
        await returnUnits(tx, orderId);
        return setStatus(tx, reservation, 'RELEASED');
      });
    },

    /** Marks reserved units as sold. */
    commit(orderId: string): Promise<ReservationRecord | null> {
      return db.transaction(async (tx) => {
        const reservation = await loadReservation(tx, orderId, true);
        if (reservation?.status !== 'RESERVED') return reservation;
        return setStatus(tx, reservation, 'COMMITTED');
      });
    },

    /** Returns the units of a sold (or still reserved) order to stock. */
    restock(orderId: string): Promise<ReservationRecord | null> {
      return db.transaction(async (tx) => {
        const reservation = await loadReservation(tx, orderId, true);
        if (reservation === null || (reservation.status !== 'COMMITTED' && reservation.status !== 'RESERVED')) {
          return reservation;
        }
        await returnUnits(tx, orderId);
        return setStatus(tx, reservation, 'RESTOCKED');
      });
    },
  };
}

export type ReservationStore = ReturnType<typeof createReservationStore>;
