import { NotImplementedError } from '@agora/errors';
import type { QueryResolvers } from '../__generated__/resolvers.js';

export const Query: QueryResolvers = {
  mostSignedPetitions: () => {
    throw new NotImplementedError('mostSignedPetitions');
  },
};
