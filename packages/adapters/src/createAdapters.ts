import type { KeyValueStore } from './keyValueStore.js';
import { MemKeyValueStore } from './memKeyValueStore.js';
import { MemPubSub } from './memPubSub.js';
import type { PubSub } from './pubSub.js';
import { RedisKeyValueStore } from './redisKeyValueStore.js';
import { RedisPubSub } from './redisPubSub.js';

export interface Adapters {
  /** 'redis' when a server carries them, 'memory' for the in-process twins. */
  kind: 'redis' | 'memory';
  pubsub: PubSub;
  kv: KeyValueStore;
  close(): Promise<void>;
}

export interface AdapterOptions {
  /** Redis server; without it the in-process twins are used (one process only). */
  redisUrl: string | undefined;
  prefix: string;
  onHandlerError?: (error: unknown) => void;
}

/** Redis-backed adapters when a URL is given, otherwise their in-process twins. */
export function createAdapters(options: AdapterOptions): Adapters {
  const { pubsub, kv, kind } =
    options.redisUrl === undefined
      ? { kind: 'memory' as const, pubsub: new MemPubSub(options.onHandlerError), kv: new MemKeyValueStore() }
      : {
          kind: 'redis' as const,
          pubsub: new RedisPubSub(options.redisUrl, options.prefix, options.onHandlerError),
          kv: new RedisKeyValueStore(options.redisUrl, options.prefix),
        };
  return {
    kind,
    pubsub,
    kv,
    async close() {
      await Promise.all([pubsub.close(), kv.close()]);
    },
  };
}
