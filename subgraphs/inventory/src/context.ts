import type { Identity } from '@agora/service';
import type { ProductLoaders } from './store/loaders.js';
import type { ProductStore } from './store/productStore.js';
import type { ReservationStore } from './store/reservationStore.js';

/** What every inventory resolver gets: the caller, this request's loaders, the store. */
export interface InventoryContext {
  viewer: Identity | null;
  loaders: ProductLoaders;
  products: ProductStore;
  reservations: ReservationStore;
}
