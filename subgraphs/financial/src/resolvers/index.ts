import { DateTimeScalar } from '@agora/service';
import type { Resolvers } from '../__generated__/resolvers.js';
import { Account, LedgerEntry } from './Account.js';
import { Invoice, InvoiceConnection } from './Invoice.js';
import { Mutation } from './Mutation.js';
import { Order, Payment } from './Order.js';
import { User } from './User.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Mutation,
  User,
  Order,
  Payment,
  Account,
  LedgerEntry,
  Invoice,
  InvoiceConnection,
};
