import {
  TOPICS,
  isPetitionLifecycleEvent,
  type PetitionLifecycleEvent,
  type PubSub,
  type Unsubscribe,
} from '@agora/adapters';
import type { Logger } from '@agora/service';
import type { PetitionsClient } from '../clients/petitionsClient.js';
import type { ReplicaStore } from '../store/replicaStore.js';

/** Events asked for per catch-up call. */
const CATCH_UP_BATCH = 500;

export interface ReplicaDeps {
  store: ReplicaStore;
  petitions: PetitionsClient;
  pubsub: PubSub;
  logger: Logger;
  /** How often to read the log anyway, in case a message and its successors were all lost. */
  syncIntervalMs: number;
  /** Told of every launch and close once the replica has applied it. */
  onApplied(events: readonly PetitionLifecycleEvent[]): Promise<void>;
}

/**
 * Keeps this service's replica of which petitions are open. Pub/sub brings each launch and
 * close as it happens; when a message is missing (a gap in sequence numbers, a restart, a
 * lost publish) the replica reads the petitions log from where it stands. Reading the log
 * needs the petitions service; signing against the replica does not.
 */
export function createPetitionReplica(deps: ReplicaDeps) {
  let running: Promise<boolean> | null = null;
  /**
   * When the last catch-up began, whether it could read the log or not: a petitions service
   * that is down is asked again only once the age allows, so signing does not wait on it
   * every time.
   */
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: Unsubscribe | undefined;

  async function readLog(deadline: number | undefined): Promise<void> {
    for (;;) {
      const position = await deps.store.readPosition();
      const events = await deps.petitions.fetchEventsAfter(
        position,
        CATCH_UP_BATCH,
        deadline === undefined ? {} : { deadline },
      );
      if (events.length === 0) return;
      await deps.onApplied((await deps.store.applyEvents(events)).applied);
      if (events.length < CATCH_UP_BATCH) return;
    }
  }

  /**
   * Brings the replica up to date with the log; one run at a time. False when petitions could
   * not be read. `deadline` (epoch ms): the request's that needs it, if one does; the run reads
   * no further past it. A request that finds a run under way waits for that run instead.
   */
  function catchUp(deadline?: number): Promise<boolean> {
    running ??= readLog(deadline)
      .then(() => true)
      .catch((error: unknown) => {
        deps.logger.warn('could not read the petitions log; signing uses the replica as it stands', { error });
        return false;
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  async function onMessage(message: unknown): Promise<void> {
    if (!isPetitionLifecycleEvent(message)) {
      deps.logger.warn('ignored a malformed petition lifecycle message', { message });
      return;
    }
    const { gap, applied } = await deps.store.applyEvents([message]);
    await deps.onApplied(applied);
    if (gap) await catchUp();
  }

  return {
    catchUp,

    /**
     * Reads the log first when the last attempt began more than `maxAgeMs` ago. For hosts
     * that hear no events (a function): a close is then known within `maxAgeMs`.
     */
    async catchUpIfOlderThan(maxAgeMs: number, deadline?: number): Promise<void> {
      if (Date.now() - lastAttemptAt < maxAgeMs) return;
      lastAttemptAt = Date.now();
      await catchUp(deadline);
    },

    async start(): Promise<void> {
      unsubscribe = await deps.pubsub.subscribe(
        TOPICS.petitionLifecycle,
        (message) => {
          onMessage(message).catch((error: unknown) =>
            deps.logger.error('could not apply a petition event', { error }),
          );
        },
        // Launches and closes published while pub/sub was away are in the log.
        () => void catchUp(),
      );
      await catchUp();
      timer = setInterval(() => void catchUp(), deps.syncIntervalMs);
      timer.unref();
    },

    async stop(): Promise<void> {
      clearInterval(timer);
      await unsubscribe?.();
      await running;
    },
  };
}

export type PetitionReplica = ReturnType<typeof createPetitionReplica>;
