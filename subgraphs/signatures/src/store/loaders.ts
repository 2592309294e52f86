import DataLoader from 'dataloader';
import { isUuid } from '@agora/db';
import type { SignatureCounts } from '../domain/signatureCounts.js';
import type { SignatureStore } from './signatureStore.js';

/** DataLoaders for one request, some of them for its caller. */
export function createSignatureLoaders(signatures: SignatureStore, counts: SignatureCounts, viewerId: string | null) {
  return {
    /** Counts as clients read them: from Redis, PostgreSQL for what Redis lacks. */
    countByPetitionId: new DataLoader<string, number>(async (petitionIds) => {
      const valid = [...new Set(petitionIds.filter(isUuid).map((id) => id.toLowerCase()))];
      const found = new Map(
        valid.length === 0 ? [] : (await counts.read(valid)).map((count, index) => [valid[index], count]),
      );
      return petitionIds.map((id) => found.get(id.toLowerCase()) ?? 0);
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
