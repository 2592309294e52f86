import { NotImplementedError, UnreachableCaseError, invalidInput } from '@agora/errors';
import { requireViewer } from '@agora/service';
import type { MutationResolvers, ResolversTypes } from '../__generated__/resolvers.js';
import type { AddItemOutcome } from '../domain/cart.js';

export const Mutation: MutationResolvers = {
  addItem: async (_parent, { productId, quantity }, { viewer, cart, loaders }) => {
    const { userId } = requireViewer(viewer);
    const outcome = await cart.addItem(userId, productId, quantity);
    // The cart changed: later fields and mutations of this request must not see it cached.
    loaders.cartItemsByUserId.clear(userId);
    return toAddItemResult(userId, outcome);
  },
  removeItem: async (_parent, { productId }, { viewer, cart, loaders }) => {
    const { userId } = requireViewer(viewer);
    await cart.removeItem(userId, productId);
    loaders.cartItemsByUserId.clear(userId);
    return { userId };
  },
  checkout: (_parent, _args, { viewer }) => {
    requireViewer(viewer);
    throw new NotImplementedError('checkout');
  },
  cancelOrder: (_parent, _args, { viewer }) => {
    requireViewer(viewer);
    throw new NotImplementedError('cancelOrder');
  },
};

function toAddItemResult(userId: string, outcome: AddItemOutcome): ResolversTypes['AddItemResult'] {
  switch (outcome.kind) {
    case 'added':
      return { __typename: 'Cart', userId };
    case 'productNotFound':
      return {
        __typename: 'ProductNotFound',
        code: 'PRODUCT_NOT_FOUND',
        message: `No product has the id "${outcome.productId.slice(0, 100)}".`,
        productId: outcome.productId,
      };
    case 'insufficientStock':
      return {
        __typename: 'InsufficientStock',
        code: 'INSUFFICIENT_STOCK',
        message: `Only ${outcome.product.stock} of "${outcome.product.name}" left; you asked for ${outcome.requested}.`,
        product: { id: outcome.product.id },
        requested: outcome.requested,
        available: outcome.product.stock,
      };
    case 'invalidInput':
      return invalidInput(outcome.problem.field, outcome.problem.message);
    default:
      throw new UnreachableCaseError(outcome);
  }
}
