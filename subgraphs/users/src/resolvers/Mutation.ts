import { RateLimitedError, UnauthenticatedError, UnreachableCaseError, invalidInput } from '@agora/errors';
import type { MutationResolvers, ResolversTypes } from '../__generated__/resolvers.js';
import type { AuthOutcome } from '../domain/accounts.js';

export const Mutation: MutationResolvers = {
  register: async (_parent, { input }, { accounts, clientAddress }) =>
    toAuthResult(await accounts.register(input, clientAddress)),
  login: async (_parent, { input }, { accounts, clientAddress }) =>
    toAuthResult(await accounts.login(input, clientAddress)),
  logout: (_parent, _args, { viewer, accounts }) => {
    if (viewer === null) throw new UnauthenticatedError('You are not logged in.');
    return accounts.logout(viewer);
  },
};

function toAuthResult(outcome: AuthOutcome): ResolversTypes['AuthResult'] {
  switch (outcome.kind) {
    case 'authenticated':
      return { __typename: 'AuthPayload', ...outcome.token, user: { ...outcome.user, shownToSelf: true } };
    case 'invalidCredentials':
      return {
        __typename: 'InvalidCredentials',
        code: 'INVALID_CREDENTIALS',
        message: 'Email or password is incorrect.',
      };
    case 'emailTaken':
      return {
        __typename: 'EmailTaken',
        code: 'EMAIL_TAKEN',
        message: `An account with the email ${outcome.email} already exists.`,
      };
    case 'invalidInput':
      return invalidInput(outcome.problem.field, outcome.problem.message);
    case 'rateLimited': {
      // The same words whether or not the account exists.
      const what = outcome.by === 'account' ? 'for this email' : 'from your network address';
      throw new RateLimitedError(
        `Too many attempts ${what}; try again in ${outcome.retryAfterSeconds} seconds.`,
        outcome.retryAfterSeconds,
      );
    }
    default:
      throw new UnreachableCaseError(outcome);
  }
}
