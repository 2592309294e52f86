import type { Db } from '@agora/db';

export interface AccountRecord {
  /** The owner's user id. */
  id: string;
  balanceAmount: number;
  currency: string;
}

export type LedgerEntryKind = 'DEPOSIT' | 'CHARGE' | 'REFUND';

export interface LedgerEntryRecord {
  id: string;
  accountId: string;
  kind: LedgerEntryKind;
  amount: number;
  balanceAfter: number;
  currency: string;
  createdAt: Date;
}

const ACCOUNT_COLUMNS = `id, balance_amount AS "balanceAmount", currency`;

/** SQL for accounts and their ledger; plain records out. */
export function createAccountStore(db: Db) {
  return {
    findAccountsByIds(ids: readonly string[]) {
      return db.query<AccountRecord>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ANY($1::uuid[])`, [ids]);
    },

    /**
     * Adds `amount` to the account (opening it if needed) and writes the ledger entry, in one
     * transaction; null, with nothing written, when the balance would pass `maxBalance`.
     */
    deposit(accountId: string, amount: number, maxBalance: number) {
      return db.transaction(async (tx) => {
        await tx.execute('INSERT INTO accounts (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [accountId]);
        const account = await tx.queryOne<AccountRecord>(
          `UPDATE accounts SET balance_amount = balance_amount + $2
           WHERE id = $1 AND balance_amount + $2 <= $3
           RETURNING ${ACCOUNT_COLUMNS}`,
          [accountId, amount, maxBalance],
        );
        if (account === null) return null;
        await tx.execute(
          `INSERT INTO ledger_entries (account_id, kind, amount, balance_after) VALUES ($1, 'DEPOSIT', $2, $3)`,
          [accountId, amount, account.balanceAmount],
        );
        return account;
      });
    },

    /** The latest entries of an account, newest first. */
    listEntries(accountId: string, limit: number) {
      return db.query<LedgerEntryRecord>(
        `SELECT e.id, e.account_id AS "accountId", e.kind, e.amount, e.balance_after AS "balanceAfter",
                a.currency, e.created_at AS "createdAt"
         FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
         WHERE e.account_id = $1 ORDER BY e.created_at DESC, e.id DESC LIMIT $2`,
        [accountId, limit],
      );
    },
  };
}

export type AccountStore = ReturnType<typeof createAccountStore>;
