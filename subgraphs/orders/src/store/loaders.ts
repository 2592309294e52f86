import { createByIdLoader, createGroupLoader } from '@agora/db';
import type { CartStore } from './cartStore.js';
import type { OrderStore } from './orderStore.js';

/** DataLoaders for one request. */
export function createOrderLoaders(carts: CartStore, orders: OrderStore) {
  return {
    cartItemsByUserId: createGroupLoader(
      (userIds) => carts.findCartItemsByUserIds(userIds),
      (item) => item.userId,
    ),
    orderById: createByIdLoader((ids) => orders.findOrdersByIds(ids)),
    linesByOrderId: createGroupLoader(
      (orderIds) => orders.findLinesByOrderIds(orderIds),
      (line) => line.orderId,
    ),
  };
}

export type OrderLoaders = ReturnType<typeof createOrderLoaders>;
