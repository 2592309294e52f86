import { RateLimitedError, UnreachableCaseError, invalidInput } from '@agora/errors';
import { requireViewer } from '@agora/service';
import type { MutationResolvers, ResolversTypes } from '../__generated__/resolvers.js';
import type { PetitionOutcome } from '../domain/petitions.js';

export const Mutation: MutationResolvers = {
  createPetition: async (_parent, { input }, { viewer, petitions }) =>
    toPetitionResult(await petitions.create(requireViewer(viewer).userId, input)),
  updatePetition: async (_parent, { id, input }, { viewer, petitions }) =>
    toPetitionResult(await petitions.update(requireViewer(viewer).userId, id, input)),
  launchPetition: async (_parent, { id }, { viewer, petitions }) =>
    toPetitionResult(await petitions.launch(requireViewer(viewer).userId, id)),
  closePetition: async (_parent, { id }, { viewer, petitions }) =>
    toPetitionResult(await petitions.close(requireViewer(viewer).userId, id)),
};

function toPetitionResult(outcome: PetitionOutcome): ResolversTypes['PetitionResult'] {
  switch (outcome.kind) {
    case 'petition':
      return { __typename: 'Petition', ...outcome.petition };
    case 'notFound':
      return {
        __typename: 'PetitionNotFound',
        code: 'PETITION_NOT_FOUND',
        message: `No petition has the id "${outcome.petitionId.slice(0, 100)}".`,
        petitionId: outcome.petitionId,
      };
    case 'notCreator':
      return {
        __typename: 'NotPetitionCreator',
        code: 'NOT_PETITION_CREATOR',
        message: 'Only the creator of this petition may change it.',
      };
    case 'invalidTransition':
      return {
        __typename: 'InvalidTransition',
        code: 'INVALID_TRANSITION',
        message: outcome.message,
        status: outcome.status,
      };
    case 'invalidInput':
      return invalidInput(outcome.problem.field, outcome.problem.message);
    case 'rateLimited':
      throw new RateLimitedError(
        `You have written many petitions this hour; try again in ${outcome.retryAfterSeconds} seconds.`,
        outcome.retryAfterSeconds,
      );
    default:
      throw new UnreachableCaseError(outcome);
  }
}
