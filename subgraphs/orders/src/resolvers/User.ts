import { assertViewerIs, readPageRequest, toConnection } from '@agora/service';
import type { UserResolvers } from '../__generated__/resolvers.js';

export const User: UserResolvers = {
  cart: (user, _args, { viewer }) => {
    assertViewerIs(viewer, user.id, 'cart');
    return { userId: user.id };
  },
  orders: async (user, args, { viewer, orders }) => {
    assertViewerIs(viewer, user.id, 'orders');
    const page = readPageRequest(args, 20, 'timestamp');
    const rows = await orders.listOrdersOfUser(user.id, page);
    return toConnection(
      rows,
      page.limit,
      (order) => ({ key: order.createdAt.toISOString(), id: order.id }),
      () => orders.countOrdersOfUser(user.id),
    );
  },
};
