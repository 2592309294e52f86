import { TOPICS, type PetitionLifecycleEvent, type PubSub, type RateLimiter } from '@agora/adapters';
import { isUuid } from '@agora/db';
import { checkTextLength, type InputProblem } from '@agora/errors';
import { firstExceededLimit, type Logger } from '@agora/service';
import type { PetitionRecord, PetitionStore, PetitionText, PetitionTx } from '../store/petitionStore.js';
import type { OpenList } from './openList.js';
import { describeRefusal, nextStatus, type PetitionChange, type PetitionStatus } from './lifecycle.js';

export type PetitionOutcome =
  | { kind: 'petition'; petition: PetitionRecord }
  | { kind: 'notFound'; petitionId: string }
  | { kind: 'notCreator' }
  | { kind: 'invalidTransition'; status: PetitionStatus; message: string }
  | { kind: 'invalidInput'; problem: InputProblem }
  | { kind: 'rateLimited'; retryAfterSeconds: number };

export interface PetitionDeps {
  store: PetitionStore;
  pubsub: PubSub;
  openList: OpenList;
  logger: Logger;
  /** Counts petitions written per user, shared by every replica. */
  limiter: RateLimiter;
  draftsPerHour: number;
}

export const TITLE_LIMITS = { min: 1, max: 150 };
export const BODY_LIMITS = { min: 1, max: 10_000 };

export function checkPetitionText(input: PetitionText): InputProblem | null {
  return (
    checkTextLength('title', 'Title', input.title, TITLE_LIMITS) ??
    checkTextLength('body', 'Body', input.body, BODY_LIMITS)
  );
}

/** A draft is visible to its creator only; launched petitions to everyone. */
export function isVisibleTo(petition: PetitionRecord, viewerId: string | undefined): boolean {
  return petition.status !== 'CREATED' || petition.creatorId === viewerId;
}

function trimmed(input: PetitionText): PetitionText {
  return { title: input.title.trim(), body: input.body.trim() };
}

/** Drafting, editing, launching and closing petitions. */
export function createPetitions(deps: PetitionDeps) {
  /**
   * Applies a change to a petition of the caller's under its row lock, after the checks
   * every change shares, in this order: it exists for the caller, they created it, its
   * status allows the change, the new input (if any) is valid.
   */
  async function change(
    creatorId: string,
    petitionId: string,
    kind: PetitionChange,
    inputProblem: InputProblem | null,
    apply: (
      tx: PetitionTx,
      petition: PetitionRecord,
    ) => Promise<{ petition: PetitionRecord; event?: PetitionLifecycleEvent }>,
  ): Promise<PetitionOutcome> {
    if (!isUuid(petitionId)) return { kind: 'notFound', petitionId };
    const result = await deps.store.changePetition(petitionId, async (petition, tx) => {
      if (petition === null || !isVisibleTo(petition, creatorId)) return { kind: 'notFound' as const, petitionId };
      if (petition.creatorId !== creatorId) return { kind: 'notCreator' as const };
      if (nextStatus(petition.status, kind) === null) {
        return {
          kind: 'invalidTransition' as const,
          status: petition.status,
          message: describeRefusal(petition.status, kind),
        };
      }
      if (inputProblem !== null) return { kind: 'invalidInput' as const, problem: inputProblem };
      return { kind: 'changed' as const, ...(await apply(tx, petition)) };
    });
    if (result.kind !== 'changed') return result;
    if (result.event !== undefined) await announce(result.petition, result.event);
    return { kind: 'petition', petition: result.petition };
  }

  /**
   * After the commit: the open list learns of the launch or close, and other services are
   * told. Neither failing loses state: the open list is rebuilt from PostgreSQL on drift,
   * and the signatures replica catches up from the event log.
   */
  async function announce(petition: PetitionRecord, event: PetitionLifecycleEvent): Promise<void> {
    const update = event.status === 'OPEN' ? deps.openList.launched(petition) : deps.openList.closed(petition.id);
    await update.catch((error: unknown) =>
      deps.logger.warn('could not update the open list; it will be rebuilt', { error }),
    );
    await deps.pubsub
      .publish(TOPICS.petitionLifecycle, event)
      .catch((error: unknown) =>
        deps.logger.warn('could not publish a petition event; consumers will catch up from the log', { event, error }),
      );
  }

  return {
    async create(creatorId: string, input: PetitionText): Promise<PetitionOutcome> {
      const problem = checkPetitionText(input);
      if (problem !== null) return { kind: 'invalidInput', problem };
      // Fails open with its store away: a draft is cheap, and the list of them is capped.
      const exceeded = await firstExceededLimit(
        deps.limiter,
        [{ by: 'user', key: `petitions:drafts:user:${creatorId}`, limit: deps.draftsPerHour, windowSeconds: 3_600 }],
        { whenUnavailable: 'allow', logger: deps.logger },
      );
      if (exceeded !== null) return { kind: 'rateLimited', retryAfterSeconds: exceeded.retryAfterSeconds };
      return { kind: 'petition', petition: await deps.store.insertPetition(creatorId, trimmed(input)) };
    },

    update(creatorId: string, petitionId: string, input: PetitionText): Promise<PetitionOutcome> {
      return change(creatorId, petitionId, 'update', checkPetitionText(input), async (tx, petition) => ({
        petition: await tx.updateText(petition.id, trimmed(input)),
      }));
    },

    launch(creatorId: string, petitionId: string): Promise<PetitionOutcome> {
      return change(creatorId, petitionId, 'launch', null, (tx, petition) => tx.setStatus(petition.id, 'OPEN'));
    },

    close(creatorId: string, petitionId: string): Promise<PetitionOutcome> {
      return change(creatorId, petitionId, 'close', null, (tx, petition) => tx.setStatus(petition.id, 'CLOSED'));
    },
  };
}

export type Petitions = ReturnType<typeof createPetitions>;
