import type { Db } from '@agora/db';
import type { PageRequest } from '@agora/service';

export type PaymentStatus = 'CAPTURED' | 'REFUNDED';

export interface PaymentRecord {
  id: string;
  orderId: string;
  accountId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  createdAt: Date;
}

export interface InvoiceRecord {
  id: string;
  number: number;
  orderId: string;
  accountId: string;
  totalAmount: number;
  currency: string;
  issuedAt: Date;
}

const PAYMENT_COLUMNS = `id, order_id AS "orderId", account_id AS "accountId", amount, currency, status, created_at AS "createdAt"`;
const INVOICE_COLUMNS = `id, number::int AS number, order_id AS "orderId", account_id AS "accountId",
  total_amount AS "totalAmount", currency, issued_at AS "issuedAt"`;

/** SQL for payments and invoices; plain records out. */
export function createBillingStore(db: Db) {
  return {
    findPaymentsByOrderIds(orderIds: readonly string[]) {
      return db.query<PaymentRecord>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = ANY($1::uuid[])`, [
        orderIds,
      ]);
    },

    findInvoicesByOrderIds(orderIds: readonly string[]) {
      return db.query<InvoiceRecord>(`SELECT ${INVOICE_COLUMNS} FROM invoices WHERE order_id = ANY($1::uuid[])`, [
        orderIds,
      ]);
    },

    findInvoicesByIds(ids: readonly string[]) {
      return db.query<InvoiceRecord>(`SELECT ${INVOICE_COLUMNS} FROM invoices WHERE id = ANY($1::uuid[])`, [ids]);
    },

    /**
     * An account's invoices, newest first (by number, which increases with issuing); one row
     * more than asked, to tell if another page follows.
     */
    listInvoicesOfAccount(accountId: string, page: PageRequest) {
      return page.after === null
        ? db.query<InvoiceRecord>(
            `SELECT ${INVOICE_COLUMNS} FROM invoices WHERE account_id = $1 ORDER BY number DESC LIMIT $2`,
            [accountId, page.limit + 1],
          )
        : db.query<InvoiceRecord>(
            `SELECT ${INVOICE_COLUMNS} FROM invoices WHERE account_id = $1 AND number < $2::bigint
             ORDER BY number DESC LIMIT $3`,
            [accountId, page.after.key, page.limit + 1],
          );
    },

    async countInvoicesOfAccount(accountId: string) {
      const row = await db.queryOne<{ count: number }>(
        'SELECT count(*)::int AS count FROM invoices WHERE account_id = $1',
        [accountId],
      );
      return row?.count ?? 0;
    },
  };
}

export type BillingStore = ReturnType<typeof createBillingStore>;
