import { invariant } from '@agora/errors';
import type { OrderConnectionResolvers, OrderLineResolvers, OrderResolvers } from '../__generated__/resolvers.js';
import { isHidden } from '../store/orderStore.js';

export const Order: OrderResolvers = {
  /** Only the buyer sees an order; to anyone else (and as a checkout that made none) it does not exist. */
  __resolveReference: async ({ id }, { viewer, loaders }) => {
    const order = await loaders.orderById.load(id);
    return order !== null && order.userId === viewer?.userId && !isHidden(order.status) ? order : null;
  },
  status: (order) => {
    invariant(!isHidden(order.status), `hidden order ${order.id} reached a reader`);
    return order.status;
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
