import { createByIdLoader, createByKeyLoader } from '@agora/db';
import type { AccountStore } from './accountStore.js';
import type { BillingStore } from './billingStore.js';

/** DataLoaders for one request. */
export function createFinancialLoaders(accounts: AccountStore, billing: BillingStore) {
  return {
    accountById: createByIdLoader((ids) => accounts.findAccountsByIds(ids)),
    invoiceById: createByIdLoader((ids) => billing.findInvoicesByIds(ids)),
    invoiceByOrderId: createByKeyLoader(
      (ids) => billing.findInvoicesByOrderIds(ids),
      (invoice) => invoice.orderId,
    ),
    paymentByOrderId: createByKeyLoader(
      (ids) => billing.findPaymentsByOrderIds(ids),
      (payment) => payment.orderId,
    ),
  };
}

export type FinancialLoaders = ReturnType<typeof createFinancialLoaders>;
