import type { ProductResolvers } from '../__generated__/resolvers.js';

export const Product: ProductResolvers = {
  __resolveReference: ({ id }, { loaders }) => loaders.productById.load(id),
  price: (product) => ({ amount: product.priceAmount, currency: product.currency }),
  inStock: (product) => product.stock > 0,
};
