import type { Identity } from '@agora/service';
import type { Deposits } from './domain/deposits.js';
import type { AccountStore } from './store/accountStore.js';
import type { BillingStore } from './store/billingStore.js';
import type { ChargeStore } from './store/chargeStore.js';
import type { FinancialLoaders } from './store/loaders.js';

/** What every financial resolver gets: the caller, this request's loaders, the domain. */
export interface FinancialContext {
  viewer: Identity | null;
  loaders: FinancialLoaders;
  accounts: AccountStore;
  billing: BillingStore;
  deposits: Deposits;
  charges: ChargeStore;
}
