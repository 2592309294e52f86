import type { PetitionConnectionResolvers, PetitionResolvers, UserResolvers } from '../__generated__/resolvers.js';
import { isVisibleTo } from '../domain/petitions.js';

export const Petition: PetitionResolvers = {
  /** A draft resolves for its creator only; to anyone else it does not exist. */
  __resolveReference: async ({ id }, { viewer, loaders }) => {
    const petition = await loaders.petitionById.load(id);
    return petition !== null && isVisibleTo(petition, viewer?.userId) ? petition : null;
  },
  creator: (petition) => ({ id: petition.creatorId }),
};

export const PetitionConnection: PetitionConnectionResolvers = {
  totalCount: (connection) => connection.countTotal(),
};

export const User: UserResolvers = {
  petitions: async (user, _args, { viewer, loaders }) =>
    (await loaders.petitionsByCreatorId.load(user.id)).filter((petition) => isVisibleTo(petition, viewer?.userId)),
};
