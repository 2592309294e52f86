import { assertViewerIs, readPageRequest, toConnection } from '@agora/service';
import type { UserResolvers } from '../__generated__/resolvers.js';
import { emptyAccount } from '../domain/deposits.js';

export const User: UserResolvers = {
  account: async (user, _args, { viewer, loaders }) => {
    assertViewerIs(viewer, user.id, 'account');
    return (await loaders.accountById.load(user.id)) ?? emptyAccount(user.id);
  },
  invoices: async (user, args, { viewer, billing }) => {
    assertViewerIs(viewer, user.id, 'invoices');
    const page = readPageRequest(args, 20, 'integer');
    const rows = await billing.listInvoicesOfAccount(user.id, page);
    return toConnection(
      rows,
      page.limit,
      (invoice) => ({ key: String(invoice.number), id: invoice.id }),
      () => billing.countInvoicesOfAccount(user.id),
    );
  },
};
