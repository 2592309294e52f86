import type { ProductConnectionResolvers } from '../__generated__/resolvers.js';

export const ProductConnection: ProductConnectionResolvers = {
  totalCount: (connection) => connection.countTotal(),
};
