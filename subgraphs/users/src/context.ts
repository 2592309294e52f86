import type { Identity } from '@agora/service';
import type { Accounts } from './domain/accounts.js';
import type { UserLoaders } from './store/loaders.js';
import type { UserStore } from './store/userStore.js';

/** What every users resolver gets: the caller, this request's loaders, the domain. */
export interface UsersContext {
  viewer: Identity | null;
  /** Where the caller calls from, as the gateway saw it (per-address limits). */
  clientAddress: string | null;
  loaders: UserLoaders;
  accounts: Accounts;
  store: UserStore;
}
