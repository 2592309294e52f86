import { TOPICS, isSignatureCountEvent, type PubSub, type Unsubscribe } from '@agora/adapters';
import type { Logger } from '@agora/service';

export type CountListener = (signatureCount: number) => void;

/** Reads a petition's count as it is now (through the gateway, as a watcher's first count is). */
export type CountReader = () => Promise<number>;

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
  /** How to catch up when counts may have been missed (the first watcher's reader). */
  readCount: CountReader;
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

  /** After the broker connection came back: counts published meanwhile were lost, so read the count. */
  function catchUp(petitionId: string, topic: Topic): void {
    topic
      .readCount()
      .then((signatureCount) => receive(petitionId, { petitionId, signatureCount }))
      .catch((error: unknown) =>
        options.logger.warn('could not read a count missed while pub/sub was away', { error }),
      );
  }

  /** The broker subscription for a petition; forgotten if it fails, so the next watch tries again. */
  function subscribe(petitionId: string, readCount: CountReader): Topic {
    const topic: Topic = {
      listeners: new Set(),
      latest: 0,
      delivered: 0,
      timer: undefined,
      readCount,
      unsubscribe: options.pubsub.subscribe(
        TOPICS.signatureCount(petitionId),
        (message) => receive(petitionId, message),
        () => catchUp(petitionId, topic),
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
     * called (once or more: only the first call does anything). `readCount` is how the hub
     * catches up after pub/sub lost messages (its connection to the broker broke).
     */
    async watch(petitionId: string, listener: CountListener, readCount: CountReader): Promise<() => Promise<void>> {
      const current = topics.get(petitionId) ?? subscribe(petitionId, readCount);
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
