import type { Counter } from 'prom-client';
import type DataLoader from 'dataloader';
import type { Identity } from '@agora/service';
import type { ProductInfo } from './clients/inventoryClient.js';
import type { Cancellation } from './domain/cancellation.js';
import type { Cart } from './domain/cart.js';
import type { Checkout } from './domain/checkout.js';
import type { OrderLoaders } from './store/loaders.js';
import type { OrderStore } from './store/orderStore.js';

/** What every orders resolver gets: the caller, this request's loaders, the domain. */
export interface OrdersContext {
  viewer: Identity | null;
  /** Where the caller calls from, as the gateway saw it (per-address limits). */
  clientAddress: string | null;
  /** When this request must be answered by (epoch ms, from readDeadline); calls to peers get what is left. */
  deadline: number;
  loaders: OrderLoaders & { productInfoById: DataLoader<string, ProductInfo | null> };
  cart: Cart;
  orders: OrderStore;
  checkout: Checkout;
  /** Counts each checkout's outcome (metrics). */
  checkoutOutcomes: Counter<'outcome'>;
  cancellation: Cancellation;
}
