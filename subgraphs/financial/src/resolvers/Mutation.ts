import { BadUserInputError, UnreachableCaseError, invalidInput } from '@agora/errors';
import { isUuid } from '@agora/db';
import { requireViewer } from '@agora/service';
import type { MutationResolvers, ResolversTypes } from '../__generated__/resolvers.js';
import { checkChargeRequest } from '../domain/charges.js';
import type { DepositOutcome } from '../domain/deposits.js';
import type { ChargeOutcome } from '../store/chargeStore.js';

export const Mutation: MutationResolvers = {
  deposit: async (_parent, { amount }, { viewer, deposits }) => {
    const { userId } = requireViewer(viewer);
    return toDepositResult(await deposits.deposit(userId, amount));
  },

  // Internal (checkout saga and cancelOrder): @inaccessible, reachable with the gateway secret only.
  chargeOrder: async (_parent, { orderId, userId, amount, currency }, { charges }) => {
    const problem = checkChargeRequest(orderId, userId, amount, currency);
    if (problem !== null) throw new BadUserInputError(problem);
    return toChargeResult(orderId, await charges.charge(orderId, userId, amount, currency));
  },
  settleOrderCharge: async (_parent, { orderId }, { charges }) => ({
    orderId,
    payment: await charges.settle(requireOrderId(orderId)),
  }),
  refundOrder: (_parent, { orderId }, { charges }) => charges.refund(requireOrderId(orderId)),
};

function requireOrderId(orderId: string): string {
  if (!isUuid(orderId)) throw new BadUserInputError(`orderId must be a uuid, got "${orderId.slice(0, 100)}".`);
  return orderId;
}

function toDepositResult(outcome: DepositOutcome): ResolversTypes['DepositResult'] {
  switch (outcome.kind) {
    case 'deposited':
      return { __typename: 'Account', ...outcome.account };
    case 'invalidInput':
      return invalidInput(outcome.problem.field, outcome.problem.message);
    default:
      throw new UnreachableCaseError(outcome);
  }
}

function toChargeResult(orderId: string, outcome: ChargeOutcome): ResolversTypes['ChargeResult'] {
  switch (outcome.kind) {
    case 'charged':
      return { __typename: 'Payment', ...outcome.payment };
    case 'declined':
      return {
        __typename: 'ChargeDeclined',
        balance: { amount: outcome.balance, currency: outcome.currency },
        amount: { amount: outcome.amount, currency: outcome.currency },
      };
    case 'fenced':
      return { __typename: 'ChargeFenced', orderId };
    default:
      throw new UnreachableCaseError(outcome);
  }
}
