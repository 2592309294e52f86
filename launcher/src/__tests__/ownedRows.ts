// Every row a user owns across the six databases, to prove that a request changed none of
// them (the authorization audit, the fuzz test).
import { createDb, type Db } from '@agora/db';
import type { TestAgora } from '../testAgora.js';
import { openDatabases, type Databases } from './checkoutHelpers.js';

export type AllDatabases = Databases & { petitions: Db; signatures: Db };

/** Direct access to every subgraph's database; `close()` closes all six. */
export function openAllDatabases(agora: TestAgora): AllDatabases {
  const shop = openDatabases(agora);
  const petitions = createDb({ connectionString: agora.databaseUrls.petitions });
  const signatures = createDb({ connectionString: agora.databaseUrls.signatures });
  const all = [shop.orders, shop.inventory, shop.financial, shop.users, petitions, signatures];
  return { ...shop, petitions, signatures, close: () => Promise.all(all.map((db) => db.close())) };
}

/**
 * Rows as PostgreSQL's own JSON of them (`to_jsonb`), so a comparison sees every column
 * exactly: timestamps keep their microseconds, which a JavaScript Date would drop.
 */
async function rows(db: Db, sql: string, params: unknown[]): Promise<unknown[]> {
  return (await db.query<{ row: unknown }>(sql, params)).map((result) => result.row);
}

/** Everything `userId` owns, in every subgraph's database, in a stable order. */
export async function rowsOwnedBy(dbs: AllDatabases, userId: string) {
  const petitionIds = (
    await dbs.petitions.query<{ id: string }>('SELECT id FROM petitions WHERE creator_id = $1', [userId])
  ).map((petition) => petition.id);
  const orderIds = (await dbs.orders.query<{ id: string }>('SELECT id FROM orders WHERE user_id = $1', [userId])).map(
    (order) => order.id,
  );
  return {
    user: await rows(dbs.users, 'SELECT to_jsonb(t) AS row FROM users t WHERE id = $1', [userId]),
    sessions: await rows(dbs.users, 'SELECT to_jsonb(t) AS row FROM sessions t WHERE user_id = $1 ORDER BY id', [
      userId,
    ]),
    petitions: await rows(
      dbs.petitions,
      'SELECT to_jsonb(t) AS row FROM petitions t WHERE creator_id = $1 ORDER BY id',
      [userId],
    ),
    petitionEvents: await rows(
      dbs.petitions,
      'SELECT to_jsonb(t) AS row FROM petition_events t WHERE petition_id = ANY($1::uuid[]) ORDER BY sequence',
      [petitionIds],
    ),
    replicas: await rows(
      dbs.signatures,
      'SELECT to_jsonb(t) AS row FROM petition_replicas t WHERE petition_id = ANY($1::uuid[]) ORDER BY petition_id',
      [petitionIds],
    ),
    signatureCounts: await rows(
      dbs.signatures,
      'SELECT to_jsonb(t) AS row FROM signature_counts t WHERE petition_id = ANY($1::uuid[]) ORDER BY petition_id',
      [petitionIds],
    ),
    signatures: await rows(
      dbs.signatures,
      'SELECT to_jsonb(t) AS row FROM signatures t WHERE user_id = $1 ORDER BY petition_id',
      [userId],
    ),
    orders: await rows(dbs.orders, 'SELECT to_jsonb(t) AS row FROM orders t WHERE user_id = $1 ORDER BY id', [userId]),
    orderLines: await rows(
      dbs.orders,
      'SELECT to_jsonb(t) AS row FROM order_lines t WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, product_id',
      [orderIds],
    ),
    cart: await rows(dbs.orders, 'SELECT to_jsonb(t) AS row FROM cart_items t WHERE user_id = $1 ORDER BY product_id', [
      userId,
    ]),
    reservations: await rows(
      dbs.inventory,
      'SELECT to_jsonb(t) AS row FROM reservations t WHERE order_id = ANY($1::uuid[]) ORDER BY order_id',
      [orderIds],
    ),
    reservationLines: await rows(
      dbs.inventory,
      `SELECT to_jsonb(t) AS row FROM reservation_lines t WHERE order_id = ANY($1::uuid[])
       ORDER BY order_id, product_id`,
      [orderIds],
    ),
    account: await rows(dbs.financial, 'SELECT to_jsonb(t) AS row FROM accounts t WHERE id = $1', [userId]),
    ledger: await rows(
      dbs.financial,
      'SELECT to_jsonb(t) AS row FROM ledger_entries t WHERE account_id = $1 ORDER BY id',
      [userId],
    ),
    payments: await rows(dbs.financial, 'SELECT to_jsonb(t) AS row FROM payments t WHERE account_id = $1 ORDER BY id', [
      userId,
    ]),
    invoices: await rows(dbs.financial, 'SELECT to_jsonb(t) AS row FROM invoices t WHERE account_id = $1 ORDER BY id', [
      userId,
    ]),
    fencedOrders: await rows(
      dbs.financial,
      'SELECT to_jsonb(t) AS row FROM fenced_orders t WHERE order_id = ANY($1::uuid[]) ORDER BY order_id',
      [orderIds],
    ),
  };
}

export type OwnedRows = Awaited<ReturnType<typeof rowsOwnedBy>>;
