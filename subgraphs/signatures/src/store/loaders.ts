import DataLoader from 'dataloader';
import { isUuid } from '@agora/db';
import type { SignatureStore } from './signatureStore.js';

/** DataLoaders for one request, some of them for its caller. */
export function createSignatureLoaders(signatures: SignatureStore, viewerId: string | null) {
  return {
    countByPetitionId: new DataLoader<string, number>(async (petitionIds) => {
      const valid = petitionIds.filter(isUuid);
      const rows = valid.length === 0 ? [] : await signatures.findCounts(valid);
      const counts = new Map(rows.map((row) => [row.petitionId, row.count]));
      return petitionIds.map((id) => counts.get(id.toLowerCase()) ?? 0);
    }),
    /** Whether the caller signed each petition (always false for an anonymous caller). */
    viewerSignedPetitionId: new DataLoader<string, boolean>(async (petitionIds) => {
      const valid = petitionIds.filter(isUuid);
      if (viewerId === null || valid.length === 0) return petitionIds.map(() => false);
      const signed = new Set((await signatures.findSignaturesOfUser(viewerId, valid)).map((row) => row.petitionId));
      return petitionIds.map((id) => signed.has(id.toLowerCase()));
    }),
  };
}

export type SignatureLoaders = ReturnType<typeof createSignatureLoaders>;
