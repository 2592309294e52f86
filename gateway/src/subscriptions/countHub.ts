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

  /** The broker subscription for a petition; forgotten if it fails, so the next watch tries again. */
  function subscribe(petitionId: string): Topic {
    const topic: Topic = {
      listeners: new Set(),
      latest: 0,
      delivered: 0,
      timer: undefined,
      unsubscribe: options.pubsub.subscribe(TOPICS.signatureCount(petitionId), (message) =>
        receive(petitionId, message),
      ),
    };
    topics.set(petitionId, topic);
    topic.unsubscribe.catch(() => {
      if (topics.get(petitionId) === topic) topics.delete(petitionId);
    });
    return topic;
  }

  return {
    /** Watchers this gateway serves now, and the petitions they watch (for metrics). */
    size(): { watchers: number; petitions: number } {
      let watchers = 0;
      for (const topic of topics.values()) watchers += topic.listeners.size;
      return { watchers, petitions: topics.size };
    },

    /**
     * Calls `listener` with each new count of the petition until the returned function is
     * called (once or more: only the first call does anything).
     */
    async watch(petitionId: string, listener: CountListener): Promise<() => Promise<void>> {
      const current = topics.get(petitionId) ?? subscribe(petitionId);
      current.listeners.add(listener);
      try {
        await current.unsubscribe;
      } catch (error) {
        current.listeners.delete(listener);
        throw error;
      }
      let stopped = false;
      return async () => {
        if (stopped) return;
        stopped = true;
        current.listeners.delete(listener);
        if (current.listeners.size > 0 || topics.get(petitionId) !== current) return;
        topics.delete(petitionId);
        clearTimeout(current.timer);
        await (
          await current.unsubscribe
        )().catch((error: unknown) => options.logger.warn('could not unsubscribe from a count topic', { error }));
      };
    },
  };
}

export type CountHub = ReturnType<typeof createCountHub>;
