import { BadUserInputError } from '@agora/errors';
import { MAX_PAGE_SIZE } from '@agora/service';
import type { QueryResolvers } from '../__generated__/resolvers.js';

export const Query: QueryResolvers = {
  mostSignedPetitions: async (_parent, { first }, { counts }) => {
    const limit = first ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}, got ${limit}.`, 'first');
    }
    return (await counts.mostSigned(limit)).map((id) => ({ id }));
  },
};
