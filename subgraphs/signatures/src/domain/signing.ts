import { isUuid } from '@agora/db';
import { UnreachableCaseError } from '@agora/errors';
import type { SignAttempt, SignatureStore } from '../store/signatureStore.js';
import type { PetitionReplica } from './petitionReplica.js';

export type SignOutcome =
  | { kind: 'signed'; petitionId: string; signedAt: Date; count: number }
  | { kind: 'alreadySigned'; petitionId: string; signedAt: Date }
  | { kind: 'notOpen'; petitionId: string }
  | { kind: 'notFound'; petitionId: string };

export interface SigningDeps {
  signatures: SignatureStore;
  replica: PetitionReplica;
}

/** One signature per user per open petition. */
export function createSigning(deps: SigningDeps) {
  return {
    async sign(userId: string, petitionId: string): Promise<SignOutcome> {
      if (!isUuid(petitionId)) return { kind: 'notFound', petitionId };
      let attempt: SignAttempt = await deps.signatures.signIfOpen(petitionId, userId);
      if (attempt.kind === 'unknown') {
        // Launched a moment ago, perhaps, with its event still on the way: read the log once.
        await deps.replica.catchUp();
        attempt = await deps.signatures.signIfOpen(petitionId, userId);
      }
      switch (attempt.kind) {
        case 'unknown':
          return { kind: 'notFound', petitionId };
        case 'closed':
          return { kind: 'notOpen', petitionId };
        case 'alreadySigned':
          return { kind: 'alreadySigned', petitionId, signedAt: attempt.signedAt };
        case 'signed':
          return { kind: 'signed', petitionId, signedAt: attempt.signedAt, count: attempt.count };
        default:
          throw new UnreachableCaseError(attempt);
      }
    },
  };
}

export type Signing = ReturnType<typeof createSigning>;
