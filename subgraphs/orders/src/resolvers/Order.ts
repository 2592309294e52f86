import type { OrderConnectionResolvers, OrderLineResolvers, OrderResolvers } from '../__generated__/resolvers.js';

export const Order: OrderResolvers = {
  /** Only the buyer sees an order; to anyone else it does not exist. */
  __resolveReference: async ({ id }, { viewer, loaders }) => {
    const order = await loaders.orderById.load(id);
    return order !== null && order.userId === viewer?.userId ? order : null;
  },
  lines: (order, _args, { loaders }) => loaders.linesByOrderId.load(order.id),
  total: (order) => ({ amount: order.totalAmount, currency: order.currency }),
  buyer: (order) => ({ id: order.userId }),
};

export const OrderLine: OrderLineResolvers = {
  product: (line) => ({ id: line.productId }),
  unitPrice: (line) => ({ amount: line.unitPriceAmount, currency: line.currency }),
  lineTotal: (line) => ({ amount: line.unitPriceAmount * line.quantity, currency: line.currency }),
};

export const OrderConnection: OrderConnectionResolvers = {
  totalCount: (connection) => connection.countTotal(),
};
