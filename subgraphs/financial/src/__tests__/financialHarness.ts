import { randomUUID } from 'node:crypto';
import { runMigrations } from '@agora/db';
import { createTestDatabase, serveTestSubgraph } from '@agora/testkit';
import { FINANCIAL_MIGRATIONS_DIR, createFinancialSubgraph } from '../subgraph.js';

/** The financial subgraph on its own fresh database, served on a free port. */
export async function startFinancial() {
  const database = await createTestDatabase('financial');
  await runMigrations(database.db, FINANCIAL_MIGRATIONS_DIR);
  const subgraph = await serveTestSubgraph(createFinancialSubgraph({ db: database.db }));
  return {
    database,
    subgraph,
    async stop() {
      await subgraph.stop();
      await database.drop();
    },
  };
}

export type FinancialHarness = Awaited<ReturnType<typeof startFinancial>>;

export function someone() {
  return { userId: randomUUID(), sessionId: randomUUID() };
}

/** Writes a captured payment and its invoice as checkout will, for read-side tests. */
export async function insertPaidOrder(harness: FinancialHarness, userId: string, amount: number) {
  const orderId = randomUUID();
  await harness.database.db.transaction(async (tx) => {
    await tx.execute('INSERT INTO accounts (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [userId]);
    await tx.execute(
      `INSERT INTO payments (order_id, account_id, amount, currency, status) VALUES ($1, $2, $3, 'EUR', 'CAPTURED')`,
      [orderId, userId, amount],
    );
    await tx.execute(
      `WITH next AS (UPDATE invoice_counter SET last_number = last_number + 1 RETURNING last_number)
       INSERT INTO invoices (number, order_id, account_id, total_amount, currency)
       SELECT last_number, $1, $2, $3, 'EUR' FROM next`,
      [orderId, userId, amount],
    );
  });
  return orderId;
}
