import type { Identity } from '@agora/service';
import type { OpenList } from './domain/openList.js';
import type { Petitions } from './domain/petitions.js';
import type { PetitionLoaders } from './store/loaders.js';
import type { PetitionStore } from './store/petitionStore.js';

/** What every petitions resolver gets: the caller, this request's loaders, the domain. */
export interface PetitionsContext {
  viewer: Identity | null;
  loaders: PetitionLoaders;
  store: PetitionStore;
  petitions: Petitions;
  openList: OpenList;
}
