import type { RateLimiter } from '@agora/adapters';
import { isUuid } from '@agora/db';
import { UnreachableCaseError } from '@agora/errors';
import { createBatcher, firstExceededLimit, userAndAddressChecks, type Logger } from '@agora/service';
import type { SignAttempt, SignatureCountRecord, SignatureStore, SignRequest } from '../store/signatureStore.js';
import type { PetitionReplica } from './petitionReplica.js';
import type { SignatureCounts } from './signatureCounts.js';

export type SignOutcome =
  | { kind: 'signed'; petitionId: string; signedAt: Date; count: number }
  | { kind: 'alreadySigned'; petitionId: string; signedAt: Date }
  | { kind: 'notOpen'; petitionId: string }
  | { kind: 'notFound'; petitionId: string }
  | { kind: 'rateLimited'; by: 'user' | 'address'; retryAfterSeconds: number };

export interface SigningLimits {
  /** Signatures one user may attempt per minute. */
  perUser: number;
  /** Signatures one client address may attempt per minute (offices and phones share addresses). */
  perAddress: number;
}

export interface SigningDeps {
  signatures: SignatureStore;
  replica: PetitionReplica;
  counts: SignatureCounts;
  rateLimiter: RateLimiter;
  limits: SigningLimits;
  logger: Logger;
  /** Most signatures in one group commit. */
  maxBatch: number;
  /** Told the size of every group commit (metrics). */
  recordBatch(size: number): void;
  /** See SigningSettings.replicaMaxAgeMs. */
  replicaMaxAgeMs: number | null;
}

const WINDOW_SECONDS = 60;

/** The highest count each petition reached in a batch: what watchers need to hear. */
function latestCounts(requests: readonly SignRequest[], attempts: readonly SignAttempt[]): SignatureCountRecord[] {
  const latest = new Map<string, number>();
  attempts.forEach((attempt, index) => {
    const petitionId = (requests[index] as SignRequest).petitionId;
    if (attempt.kind === 'signed') latest.set(petitionId, Math.max(latest.get(petitionId) ?? 0, attempt.count));
  });
  return [...latest].map(([petitionId, count]) => ({ petitionId, count }));
}

/**
 * One signature per user per open petition. Requests are group-committed: those arriving
 * while a batch is in PostgreSQL go together in the next, so a burst costs few round trips.
 * Every accepted signature is committed before its mutation answers; Redis counts and the
 * watchers hear of it right after the commit.
 */
export function createSigning(deps: SigningDeps) {
  const batcher = createBatcher<SignRequest, SignAttempt>({
    maxBatch: deps.maxBatch,
    async run(requests) {
      deps.recordBatch(requests.length);
      const attempts = await deps.signatures.signBatch(requests);
      // Not awaited: signing does not wait on Redis (and goes on when Redis is away).
      void deps.counts.recorded(latestCounts(requests, attempts));
      return attempts;
    },
  });

  /** The first limit the caller is over, if any. Limits fail open when their store is away. */
  async function overLimit(userId: string, clientAddress: string | null): Promise<SignOutcome | null> {
    const exceeded = await firstExceededLimit(
      deps.rateLimiter,
      userAndAddressChecks('signatures:rate', userId, clientAddress, deps.limits, WINDOW_SECONDS),
      { whenUnavailable: 'allow', logger: deps.logger },
    );
    return exceeded === null ? null : { kind: 'rateLimited', ...exceeded };
  }

  return {
    /** `deadline` (epoch ms): the request's, which bounds any read of the petitions log it makes. */
    async sign(
      userId: string,
      clientAddress: string | null,
      petitionId: string,
      deadline: number,
    ): Promise<SignOutcome> {
      if (!isUuid(petitionId)) return { kind: 'notFound', petitionId };
      const limited = await overLimit(userId, clientAddress);
      if (limited !== null) return limited;
      if (deps.replicaMaxAgeMs !== null) await deps.replica.catchUpIfOlderThan(deps.replicaMaxAgeMs, deadline);
      const request = { petitionId: petitionId.toLowerCase(), userId };
      let attempt = await batcher.submit(request);
      if (attempt.kind === 'unknown') {
        // Launched a moment ago, perhaps, with its event still on the way: read the log once.
        await deps.replica.catchUp(deadline);
        attempt = await batcher.submit(request);
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
