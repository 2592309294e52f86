import { assertViewerIs, readPageRequest } from '@agora/service';
import type { AccountResolvers, LedgerEntryResolvers } from '../__generated__/resolvers.js';
import { emptyAccount } from '../domain/deposits.js';

export const Account: AccountResolvers = {
  /** Only the owner sees an account; to anyone else it does not exist. */
  __resolveReference: async ({ id }, { viewer, loaders }) => {
    if (viewer?.userId !== id) return null;
    return (await loaders.accountById.load(id)) ?? emptyAccount(id);
  },
  owner: (account) => ({ id: account.id }),
  balance: (account) => ({ amount: account.balanceAmount, currency: account.currency }),
  entries: (account, args, { viewer, accounts }) => {
    assertViewerIs(viewer, account.id, 'ledger');
    return accounts.listEntries(account.id, readPageRequest({ first: args.first }, 20, 'timestamp').limit);
  },
};

export const LedgerEntry: LedgerEntryResolvers = {
  amount: (entry) => ({ amount: entry.amount, currency: entry.currency }),
  balanceAfter: (entry) => ({ amount: entry.balanceAfter, currency: entry.currency }),
};
