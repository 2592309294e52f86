import { BadUserInputError } from '@agora/errors';
import { isUuid } from '@agora/db';
import type { MutationResolvers } from '../__generated__/resolvers.js';
import { checkReservationRequest } from '../domain/stockLines.js';

/** Internal (checkout saga) mutations; all @inaccessible, reachable with the gateway secret only. */
export const Mutation: MutationResolvers = {
  reserveStock: async (_parent, { orderId, lines }, { reservations }) => {
    const problem = checkReservationRequest(orderId, lines);
    if (problem !== null) throw new BadUserInputError(problem);
    const outcome = await reservations.reserve(orderId, lines);
    return outcome.kind === 'reservation'
      ? { __typename: 'StockReservation', ...outcome.reservation }
      : {
          __typename: 'StockShortage',
          productId: outcome.productId,
          requested: outcome.requested,
          available: outcome.available,
        };
  },
  releaseStock: (_parent, { orderId }, { reservations }) => reservations.release(requireOrderId(orderId)),
  commitStock: (_parent, { orderId }, { reservations }) => reservations.commit(requireOrderId(orderId)),
  restockOrder: (_parent, { orderId }, { reservations }) => reservations.restock(requireOrderId(orderId)),
};

function requireOrderId(orderId: string): string {
  if (!isUuid(orderId)) throw new BadUserInputError(`orderId must be a uuid, got "${orderId.slice(0, 100)}".`);
  return orderId;
}
