import { RateLimitedError, UnreachableCaseError, invalidInput } from '@agora/errors';
import { requireViewer } from '@agora/service';
import type { MutationResolvers, ResolversTypes } from '../__generated__/resolvers.js';
import type { CancelOutcome } from '../domain/cancellation.js';
import type { AddItemOutcome } from '../domain/cart.js';
import type { CheckoutOutcome } from '../domain/checkout.js';

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
  checkout: async (
    _parent,
    { idempotencyKey },
    { viewer, clientAddress, deadline, checkout, checkoutOutcomes, loaders },
  ) => {
    const caller = requireViewer(viewer);
    const outcome = await checkout.checkout(caller, idempotencyKey, clientAddress, deadline);
    checkoutOutcomes.inc({ outcome: outcome.kind });
    loaders.cartItemsByUserId.clear(caller.userId);
    return toCheckoutResult(outcome);
  },
  cancelOrder: async (_parent, { orderId }, { viewer, deadline, cancellation }) =>
    toCancelOrderResult(await cancellation.cancel(requireViewer(viewer).userId, orderId, deadline)),
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

const formatMoney = (money: { amount: number; currency: string }) =>
  `${(money.amount / 100).toFixed(2)} ${money.currency}`;

function toCheckoutResult(outcome: CheckoutOutcome): ResolversTypes['CheckoutResult'] {
  switch (outcome.kind) {
    case 'order':
      return { __typename: 'Order', ...outcome.order };
    case 'cartEmpty':
      return { __typename: 'CartEmpty', code: 'CART_EMPTY', message: 'Your cart is empty; add something first.' };
    case 'insufficientStock':
      return {
        __typename: 'InsufficientStock',
        code: 'INSUFFICIENT_STOCK',
        message: `Only ${outcome.available} of "${outcome.productName}" left; your cart has ${outcome.requested}. Nothing was charged.`,
        product: { id: outcome.productId },
        requested: outcome.requested,
        available: outcome.available,
      };
    case 'paymentDeclined':
      return {
        __typename: 'PaymentDeclined',
        code: 'PAYMENT_DECLINED',
        message: `Your balance of ${formatMoney(outcome.balance)} does not cover ${formatMoney(outcome.amount)}. Nothing was charged.`,
        balance: outcome.balance,
        amount: outcome.amount,
      };
    case 'failed':
      return {
        __typename: 'CheckoutFailed',
        code: 'CHECKOUT_FAILED',
        message:
          'This checkout was interrupted and undone; nothing was charged. Please check out again with a new key.',
      };
    case 'invalidInput':
      return invalidInput(outcome.problem.field, outcome.problem.message);
    case 'rateLimited': {
      const who = outcome.by === 'user' ? 'you' : 'your network address';
      throw new RateLimitedError(
        `Too many checkouts from ${who}; try again in ${outcome.retryAfterSeconds} seconds. Nothing was charged.`,
        outcome.retryAfterSeconds,
      );
    }
    default:
      throw new UnreachableCaseError(outcome);
  }
}

function toCancelOrderResult(outcome: CancelOutcome): ResolversTypes['CancelOrderResult'] {
  switch (outcome.kind) {
    case 'order':
      return { __typename: 'Order', ...outcome.order };
    case 'notCancellable':
      return {
        __typename: 'OrderNotCancellable',
        code: 'ORDER_NOT_CANCELLABLE',
        message: `Only a paid order can be cancelled; this one is ${outcome.status}.`,
        status: outcome.status,
      };
    case 'notFound':
      return {
        __typename: 'NotFound',
        code: 'NOT_FOUND',
        message: `No order of yours has the id "${outcome.orderId.slice(0, 100)}".`,
      };
    default:
      throw new UnreachableCaseError(outcome);
  }
}
