import { UnreachableCaseError, invalidInput } from '@agora/errors';
import { requireViewer } from '@agora/service';
import type { MutationResolvers, ResolversTypes } from '../__generated__/resolvers.js';
import type { DepositOutcome } from '../domain/deposits.js';

export const Mutation: MutationResolvers = {
  deposit: async (_parent, { amount }, { viewer, deposits }) => {
    const { userId } = requireViewer(viewer);
    return toDepositResult(await deposits.deposit(userId, amount));
  },
};

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
