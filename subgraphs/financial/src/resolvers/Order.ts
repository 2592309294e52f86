import type { OrderResolvers, PaymentResolvers } from '../__generated__/resolvers.js';

export const Order: OrderResolvers = {
  /** The order's invoice, shown to its buyer only. */
  invoice: async (order, _args, { viewer, loaders }) => {
    const invoice = await loaders.invoiceByOrderId.load(order.id);
    return invoice !== null && invoice.accountId === viewer?.userId ? invoice : null;
  },
  /** The order's payment, shown to its buyer only. */
  payment: async (order, _args, { viewer, loaders }) => {
    const payment = await loaders.paymentByOrderId.load(order.id);
    return payment !== null && payment.accountId === viewer?.userId ? payment : null;
  },
};

export const Payment: PaymentResolvers = {
  amount: (payment) => ({ amount: payment.amount, currency: payment.currency }),
};
