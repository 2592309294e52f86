import { createByIdLoader } from '@agora/db';
import type { ProductStore } from './productStore.js';

/** DataLoaders for one request. */
export function createProductLoaders(store: ProductStore) {
  return {
    productById: createByIdLoader((ids) => store.findProductsByIds(ids)),
  };
}

export type ProductLoaders = ReturnType<typeof createProductLoaders>;
