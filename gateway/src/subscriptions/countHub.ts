import { TOPICS, isSignatureCountEvent, type PubSub, type Unsubscribe } from '@agora/adapters';
import type { Logger } from '@agora/service';

export type CountListener = (signatureCount: number) => void;

export interface CountHubOptions {
  pubsub: PubSub;
  logger: Logger;
  /** Counts for a petition are passed on at most this often; in between, only the latest is kept. */
  coalesceMs: number;
}

interface Topic {
  listeners: Set<CountListener>;
  latest: number;
  delivered: number;
  timer: NodeJS.Timeout | undefined;
  unsubscribe: Promise<Unsubscribe>;
}

/**
 * Fans signature counts out to this gateway's watchers: one broker subscription per petition
 * however many watch it, and bursts coalesced, so each watcher hears the latest count at most
 * every `coalesceMs`, and never a lower count after a higher one.
 */
export function createCountHub(options: CountHubOptions) {
  const topics = new Map<string, Topic>();

  function flush(topic: Topic): void {
    topic.timer = undefined;
    if (topic.latest <= topic.delivered) return;
    topic.delivered = topic.latest;
    for (const listener of topic.listeners) listener(topic.latest);
  }

  function receive(petitionId: string, message: unknown): void {
    const topic = topics.get(petitionId);
    if (topic === undefined || !isSignatureCountEvent(message) || message.signatureCount <= topic.latest) return;
    topic.latest = message.signatureCount;
    topic.timer ??= setTimeout(() => flush(topic), options.coalesceMs);
  }

  return {
    /** Calls `listener` with each new count of the petition until the returned function is called. */
    async watch(petitionId: string, listener: CountListener): Promise<() => Promise<void>> {
      let topic = topics.get(petitionId);
      if (topic === undefined) {
        const created: Topic = {
          listeners: new Set(),
          latest: 0,
          delivered: 0,
          timer: undefined,
          unsubscribe: options.pubsub.subscribe(TOPICS.signatureCount(petitionId), (message) =>
            receive(petitionId, message),
          ),
        };
        topics.set(petitionId, created);
        topic = created;
      }
      const current = topic;
      current.listeners.add(listener);
      await current.unsubscribe;
      return async () => {
        current.listeners.delete(listener);
        if (current.listeners.size > 0 || topics.get(petitionId) !== current) return;
        topics.delete(petitionId);
        clearTimeout(current.timer);
        await (
          await current.unsubscribe
        )().catch((error: unknown) => options.logger.warn('could not unsubscribe from a count topic', { error }));
      };
    },

    /** Petitions with at least one watcher here (one broker subscription each). */
    watchedPetitions(): string[] {
      return [...topics.keys()];
    },
  };
}

export type CountHub = ReturnType<typeof createCountHub>;
