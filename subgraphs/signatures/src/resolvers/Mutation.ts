import { RateLimitedError, UnreachableCaseError } from '@agora/errors';
import { requireViewer } from '@agora/service';
import type { MutationResolvers, ResolversTypes } from '../__generated__/resolvers.js';
import type { SignOutcome } from '../domain/signing.js';

export const Mutation: MutationResolvers = {
  signPetition: async (_parent, { petitionId }, { viewer, clientAddress, deadline, signing }) =>
    toSignResult(await signing.sign(requireViewer(viewer).userId, clientAddress, petitionId, deadline)),
};

function toSignResult(outcome: SignOutcome): ResolversTypes['SignResult'] {
  if (outcome.kind === 'rateLimited') {
    const who = outcome.by === 'user' ? 'you' : 'your network address';
    throw new RateLimitedError(
      `Too many signatures from ${who}; try again in ${outcome.retryAfterSeconds} seconds.`,
      outcome.retryAfterSeconds,
    );
  }
  const petition = { id: outcome.petitionId };
  switch (outcome.kind) {
    case 'signed':
      return { __typename: 'Signature', petition, signedAt: outcome.signedAt, signatureCount: outcome.count };
    case 'alreadySigned':
      return {
        __typename: 'AlreadySigned',
        code: 'ALREADY_SIGNED',
        message: 'You have already signed this petition.',
        petition,
        signedAt: outcome.signedAt,
      };
    case 'notOpen':
      return {
        __typename: 'PetitionNotOpen',
        code: 'PETITION_NOT_OPEN',
        message: 'This petition is closed and takes no more signatures.',
        petition,
      };
    case 'notFound':
      return {
        __typename: 'PetitionNotFound',
        code: 'PETITION_NOT_FOUND',
        message: `No petition has the id "${outcome.petitionId.slice(0, 100)}".`,
        petitionId: outcome.petitionId,
      };
    default:
      throw new UnreachableCaseError(outcome);
  }
}
