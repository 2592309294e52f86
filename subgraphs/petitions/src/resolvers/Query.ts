import { BadUserInputError } from '@agora/errors';
import { readPageRequest, toConnection } from '@agora/service';
import type { QueryResolvers } from '../__generated__/resolvers.js';
import { isVisibleTo } from '../domain/petitions.js';

/** How many lifecycle events one catch-up call may take. */
const MAX_EVENTS_PER_CALL = 1000;

export const Query: QueryResolvers = {
  openPetitions: async (_parent, args, { openList }) => {
    const page = readPageRequest(args, 50, 'timestamp');
    const rows = await openList.page(page);
    return toConnection(
      rows,
      page.limit,
      (petition) => ({ key: (petition.openedAt as Date).toISOString(), id: petition.id }),
      () => openList.count(),
    );
  },
  petition: async (_parent, { id }, { viewer, loaders }) => {
    const petition = await loaders.petitionById.load(id);
    return petition !== null && isVisibleTo(petition, viewer?.userId) ? petition : null;
  },
  petitionEvents: (_parent, { after, first }, { store }) => {
    if (after < 0 || first < 1 || first > MAX_EVENTS_PER_CALL) {
      throw new BadUserInputError(`petitionEvents needs after >= 0 and first from 1 to ${MAX_EVENTS_PER_CALL}.`);
    }
    return store.listEventsAfter(after, first);
  },
};
