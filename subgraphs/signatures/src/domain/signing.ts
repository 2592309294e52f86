import { isUuid } from '@agora/db';
import { invariant } from '@agora/errors';
import type { ReplicaStore } from '../store/replicaStore.js';
import type { SignatureStore } from '../store/signatureStore.js';
import type { PetitionReplica } from './petitionReplica.js';

export type SignOutcome =
  | { kind: 'signed'; petitionId: string; signedAt: Date; count: number }
  | { kind: 'alreadySigned'; petitionId: string; signedAt: Date }
  | { kind: 'notOpen'; petitionId: string }
  | { kind: 'notFound'; petitionId: string };

export interface SigningDeps {
  signatures: SignatureStore;
  replicas: ReplicaStore;
  replica: PetitionReplica;
}

/** One signature per user per open petition. */
export function createSigning(deps: SigningDeps) {
  /**
   * The petition's status as the replica knows it. A petition it has never heard of may
   * have been launched a moment ago, so the log is read once before saying it does not exist.
   */
  async function findStatus(petitionId: string) {
    const known = await deps.replicas.findReplica(petitionId);
    if (known !== null) return known.status;
    await deps.replica.catchUp();
    return (await deps.replicas.findReplica(petitionId))?.status ?? null;
  }

  return {
    async sign(userId: string, petitionId: string): Promise<SignOutcome> {
      if (!isUuid(petitionId)) return { kind: 'notFound', petitionId };
      const status = await findStatus(petitionId);
      if (status === null) return { kind: 'notFound', petitionId };
      if (status === 'CLOSED') return { kind: 'notOpen', petitionId };
      const signed = await deps.signatures.insertSignature(petitionId, userId);
      if (signed !== null) {
        return { kind: 'signed', petitionId, signedAt: signed.signature.signedAt, count: signed.count };
      }
      // The insert met the caller's earlier signature; signatures are never deleted.
      const existing = await deps.signatures.findSignature(petitionId, userId);
      invariant(existing !== null, `signature of ${userId} on ${petitionId} exists`);
      return { kind: 'alreadySigned', petitionId, signedAt: existing.signedAt };
    },
  };
}

export type Signing = ReturnType<typeof createSigning>;
