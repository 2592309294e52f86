import type { InvoiceConnectionResolvers, InvoiceResolvers } from '../__generated__/resolvers.js';
import { formatInvoiceNumber } from '../domain/deposits.js';

export const Invoice: InvoiceResolvers = {
  /** Only the buyer sees an invoice; to anyone else it does not exist. */
  __resolveReference: async ({ id }, { viewer, loaders }) => {
    const invoice = await loaders.invoiceById.load(id);
    return invoice !== null && invoice.accountId === viewer?.userId ? invoice : null;
  },
  number: (invoice) => formatInvoiceNumber(invoice.number),
  order: (invoice) => ({ id: invoice.orderId }),
  total: (invoice) => ({ amount: invoice.totalAmount, currency: invoice.currency }),
};

export const InvoiceConnection: InvoiceConnectionResolvers = {
  totalCount: (connection) => connection.countTotal(),
};
