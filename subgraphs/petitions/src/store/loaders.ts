import { createByIdLoader, createGroupLoader } from '@agora/db';
import type { PetitionStore } from './petitionStore.js';

/** DataLoaders for one request. */
export function createPetitionLoaders(store: PetitionStore) {
  return {
    petitionById: createByIdLoader((ids) => store.findPetitionsByIds(ids)),
    petitionsByCreatorId: createGroupLoader(
      (creatorIds) => store.findPetitionsByCreators(creatorIds),
      (petition) => petition.creatorId,
    ),
  };
}

export type PetitionLoaders = ReturnType<typeof createPetitionLoaders>;
