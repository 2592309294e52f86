import { createByIdLoader, createGroupLoader } from '@agora/db';
import type { PetitionStore } from './petitionStore.js';

/** Most petitions `User.petitions` lists (the newest); the gateway prices that list at this. */
export const PETITIONS_PER_CREATOR = 100;

/** DataLoaders for one request, made by `viewerId` (null: anonymous). */
export function createPetitionLoaders(store: PetitionStore, viewerId: string | null) {
  return {
    petitionById: createByIdLoader((ids) => store.findPetitionsByIds(ids)),
    petitionsByCreatorId: createGroupLoader(
      (creatorIds) => store.findPetitionsByCreators(creatorIds, viewerId, PETITIONS_PER_CREATOR),
      (petition) => petition.creatorId,
    ),
  };
}

export type PetitionLoaders = ReturnType<typeof createPetitionLoaders>;
