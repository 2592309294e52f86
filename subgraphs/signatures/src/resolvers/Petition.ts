import { assertViewerIs, readPageRequest, toConnection } from '@agora/service';
import type { PetitionConnectionResolvers, PetitionResolvers, UserResolvers } from '../__generated__/resolvers.js';

export const Petition: PetitionResolvers = {
  __resolveReference: ({ id }) => ({ id }),
  signatureCount: (petition, _args, { loaders }) => loaders.countByPetitionId.load(petition.id),
  viewerHasSigned: (petition, _args, { loaders }) => loaders.viewerSignedPetitionId.load(petition.id),
};

export const PetitionConnection: PetitionConnectionResolvers = {
  totalCount: (connection) => connection.countTotal(),
};

export const User: UserResolvers = {
  signedPetitions: async (user, args, { viewer, signatures }) => {
    assertViewerIs(viewer, user.id, 'signatures');
    const page = readPageRequest(args, 20, 'timestamp');
    const rows = await signatures.listSignaturesOfUser(user.id, page);
    const connection = toConnection(
      rows,
      page.limit,
      (signature) => ({ key: signature.signedAt.toISOString(), id: signature.petitionId }),
      () => signatures.countSignaturesOfUser(user.id),
    );
    return { ...connection, nodes: connection.nodes.map((signature) => ({ id: signature.petitionId })) };
  },
};
