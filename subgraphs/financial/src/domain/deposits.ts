import type { InputProblem } from '@agora/errors';
import type { AccountRecord, AccountStore } from '../store/accountStore.js';

/** The largest single deposit: 1,000,000.00 in minor units. */
export const MAX_DEPOSIT = 100_000_000;
/** The most an account may hold: 10,000,000.00, well inside a 32-bit GraphQL Int. */
export const MAX_BALANCE = 1_000_000_000;

export type DepositOutcome =
  { kind: 'deposited'; account: AccountRecord } | { kind: 'invalidInput'; problem: InputProblem };

/** Topping up one's own account. */
export function createDeposits(accounts: AccountStore) {
  return {
    async deposit(userId: string, amount: number): Promise<DepositOutcome> {
      if (!Number.isInteger(amount) || amount < 1 || amount > MAX_DEPOSIT) {
        return {
          kind: 'invalidInput',
          problem: {
            field: 'amount',
            message: `Deposit must be between 1 and ${MAX_DEPOSIT} minor units, got ${amount}.`,
          },
        };
      }
      const account = await accounts.deposit(userId, amount, MAX_BALANCE);
      if (account === null) {
        return {
          kind: 'invalidInput',
          problem: {
            field: 'amount',
            message: `An account may hold at most ${MAX_BALANCE} minor units; this deposit would exceed it.`,
          },
        };
      }
      return { kind: 'deposited', account };
    },
  };
}

export type Deposits = ReturnType<typeof createDeposits>;

/** The account of a user who never deposited: empty, in the shop's currency. */
export function emptyAccount(userId: string): AccountRecord {
  return { id: userId, balanceAmount: 0, currency: 'EUR' };
}

/** Invoice numbers as people read them: INV-000042. */
export function formatInvoiceNumber(number: number): string {
  return `INV-${String(number).padStart(6, '0')}`;
}
