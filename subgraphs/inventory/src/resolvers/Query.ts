import { readPageRequest, toConnection } from '@agora/service';
import type { QueryResolvers } from '../__generated__/resolvers.js';

export const Query: QueryResolvers = {
  products: async (_parent, args, { products }) => {
    const page = readPageRequest(args, 20, 'text');
    const rows = await products.listProducts(page);
    return toConnection(
      rows,
      page.limit,
      (row) => ({ key: row.sku, id: row.id }),
      () => products.countProducts(),
    );
  },
  product: (_parent, { id }, { loaders }) => loaders.productById.load(id),
};
