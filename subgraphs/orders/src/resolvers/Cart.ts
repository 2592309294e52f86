import type { CartItemResolvers, CartResolvers } from '../__generated__/resolvers.js';
import type { OrdersContext } from '../context.js';
import { sumMoney, type Money } from '../domain/money.js';
import type { CartItemRecord } from '../store/cartStore.js';

export const Cart: CartResolvers = {
  items: ({ userId }, _args, { loaders }) => loaders.cartItemsByUserId.load(userId),
  itemCount: async ({ userId }, _args, { loaders }) =>
    (await loaders.cartItemsByUserId.load(userId)).reduce((sum, item) => sum + item.quantity, 0),
  total: async ({ userId }, _args, context) => {
    const items = await context.loaders.cartItemsByUserId.load(userId);
    return sumMoney(await Promise.all(items.map((item) => lineTotal(item, context))));
  },
};

export const CartItem: CartItemResolvers = {
  product: (item) => ({ id: item.productId }),
  unitPrice: (item, _args, context) => unitPrice(item, context),
  lineTotal: (item, _args, context) => lineTotal(item, context),
};

/** The product's current price, from inventory (one call per request for all lines). */
async function unitPrice(item: CartItemRecord, { loaders }: OrdersContext): Promise<Money> {
  const product = await loaders.productInfoById.load(item.productId);
  if (product === null) throw new Error(`Cart holds product ${item.productId}, which inventory does not know`);
  return { amount: product.priceAmount, currency: product.currency };
}

async function lineTotal(item: CartItemRecord, context: OrdersContext): Promise<Money> {
  const price = await unitPrice(item, context);
  return { amount: price.amount * item.quantity, currency: price.currency };
}
