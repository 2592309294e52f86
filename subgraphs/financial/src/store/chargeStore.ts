import type { Db, Sql } from '@agora/db';
import type { AccountRecord } from './accountStore.js';
import type { PaymentRecord } from './billingStore.js';

export type ChargeOutcome =
  | { kind: 'charged'; payment: PaymentRecord }
  | { kind: 'declined'; balance: number; amount: number; currency: string }
  | { kind: 'fenced' };

const PAYMENT_COLUMNS = `id, order_id AS "orderId", account_id AS "accountId", amount, currency, status, created_at AS "createdAt"`;

/**
 * Serialises everything done about one order (charge, settle, refund): a charge and the
 * recovery's settlement can never interleave.
 */
async function lockOrder(tx: Sql, orderId: string): Promise<void> {
  await tx.execute(`SELECT pg_advisory_xact_lock(hashtextextended('financial.order:' || $1, 0))`, [orderId]);
}

function findPayment(tx: Sql, orderId: string) {
  return tx.queryOne<PaymentRecord>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = $1`, [orderId]);
}

/** SQL for taking, settling and refunding the payment of an order. */
export function createChargeStore(db: Db) {
  return {
    /**
     * Charges the account for the order, once: the balance, a CHARGE ledger entry, a CAPTURED
     * payment and the next invoice number, in one transaction. A second call answers the
     * payment taken by the first; a fenced order is refused.
     */
    charge(orderId: string, accountId: string, amount: number, currency: string): Promise<ChargeOutcome> {
      return db.transaction(async (tx) => {
        await lockOrder(tx, orderId);
        const existing = await findPayment(tx, orderId);
        if (existing !== null) {
          if (existing.accountId !== accountId || existing.amount !== amount || existing.currency !== currency) {
            throw new Error(
              `order ${orderId} was charged ${existing.amount} ${existing.currency} to another account or amount`,
            );
          }
          return { kind: 'charged', payment: existing };
        }
        const fenced = await tx.queryOne('SELECT 1 FROM fenced_orders WHERE order_id = $1', [orderId]);
        if (fenced !== null) return { kind: 'fenced' };

        await tx.execute('INSERT INTO accounts (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [accountId]);
        const account = (await tx.queryOne<AccountRecord>(
          `SELECT id, balance_amount AS "balanceAmount", currency FROM accounts WHERE id = $1 FOR UPDATE`,
          [accountId],
        )) as AccountRecord;
        if (account.currency !== currency) {
          throw new Error(`account ${accountId} holds ${account.currency}; order ${orderId} is in ${currency}`);
        }
        if (account.balanceAmount < amount) {
          return { kind: 'declined', balance: account.balanceAmount, amount, currency };
        }
        const balanceAfter = account.balanceAmount - amount;
        await tx.execute('UPDATE accounts SET balance_amount = $2 WHERE id = $1', [accountId, balanceAfter]);
        await tx.execute(
          `INSERT INTO ledger_entries (account_id, kind, amount, balance_after, order_id) VALUES ($1, 'CHARGE', $2, $3, $4)`,
          [accountId, -amount, balanceAfter, orderId],
        );
        const payment = (await tx.queryOne<PaymentRecord>(
          `INSERT INTO payments (order_id, account_id, amount, currency, status) VALUES ($1, $2, $3, $4, 'CAPTURED')
           RETURNING ${PAYMENT_COLUMNS}`,
          [orderId, accountId, amount, currency],
        )) as PaymentRecord;
        // The counter row's lock is held to commit: numbers are gap-free and in commit order.
        await tx.execute(
          `WITH next AS (UPDATE invoice_counter SET last_number = last_number + 1 RETURNING last_number)
           INSERT INTO invoices (number, order_id, account_id, total_amount, currency)
           SELECT last_number, $1, $2, $3, $4 FROM next`,
          [orderId, accountId, amount, currency],
        );
        return { kind: 'charged', payment };
      });
    },

    /** The order's payment if it was charged; otherwise a fence, so it never will be. */
    settle(orderId: string): Promise<PaymentRecord | null> {
      return db.transaction(async (tx) => {
        await lockOrder(tx, orderId);
        const payment = await findPayment(tx, orderId);
        if (payment === null) {
          await tx.execute('INSERT INTO fenced_orders (order_id) VALUES ($1) ON CONFLICT (order_id) DO NOTHING', [
            orderId,
          ]);
        }
        return payment;
      });
    },

    /** Pays a captured payment back (a REFUND ledger entry), once; null when nothing was paid. */
    refund(orderId: string): Promise<PaymentRecord | null> {
      return db.transaction(async (tx) => {
        await lockOrder(tx, orderId);
        const payment = await findPayment(tx, orderId);
        if (payment === null || payment.status === 'REFUNDED') return payment;
        const account = (await tx.queryOne<{ balanceAfter: number }>(
          `UPDATE accounts SET balance_amount = balance_amount + $2 WHERE id = $1 RETURNING balance_amount AS "balanceAfter"`,
          [payment.accountId, payment.amount],
        )) as { balanceAfter: number };
        await tx.execute(
          `INSERT INTO ledger_entries (account_id, kind, amount, balance_after, order_id) VALUES ($1, 'REFUND', $2, $3, $4)`,
          [payment.accountId, payment.amount, account.balanceAfter, orderId],
        );
        return (await tx.queryOne<PaymentRecord>(
          `UPDATE payments SET status = 'REFUNDED', refunded_at = now() WHERE order_id = $1 RETURNING ${PAYMENT_COLUMNS}`,
          [orderId],
        )) as PaymentRecord;
      });
    },
  };
}

export type ChargeStore = ReturnType<typeof createChargeStore>;
