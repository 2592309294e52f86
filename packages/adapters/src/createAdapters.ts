import type { KeyValueStore } from './keyValueStore.js';
import { MemKeyValueStore } from './memKeyValueStore.js';
import { MemPubSub } from './memPubSub.js';
import { MemRankedSet } from './memRankedSet.js';
import { MemRateLimiter } from './memRateLimiter.js';
import type { PubSub } from './pubSub.js';
import type { RankedSet } from './rankedSet.js';
import type { RateLimiter } from './rateLimiter.js';
import { closeRedis, connectRedis, type RedisSettings } from './redis.js';
import { RedisKeyValueStore } from './redisKeyValueStore.js';
import { RedisPubSub } from './redisPubSub.js';
import { RedisRankedSet } from './redisRankedSet.js';
import { RedisRateLimiter } from './redisRateLimiter.js';

export interface Adapters {
  /** 'redis' when a server carries them, 'memory' for the in-process twins. */
  kind: 'redis' | 'memory';
  pubsub: PubSub;
  kv: KeyValueStore;
  rankedSets: RankedSet;
  rateLimiter: RateLimiter;
  close(): Promise<void>;
}

export interface AdapterOptions {
  /** Redis server; without it the in-process twins are used (one process only). */
  redisUrl: string | undefined;
  prefix: string;
  onHandlerError?: (error: unknown) => void;
  /** Deadlines of every Redis connection (DEFAULT_REDIS_SETTINGS where not given). */
  redisSettings?: Partial<RedisSettings> | undefined;
}

/** Redis-backed adapters when a URL is given, otherwise their in-process twins. */
export function createAdapters(options: AdapterOptions): Adapters {
  if (options.redisUrl === undefined) {
    const pubsub = new MemPubSub(options.onHandlerError);
    return {
      kind: 'memory',
      pubsub,
      kv: new MemKeyValueStore(),
      rankedSets: new MemRankedSet(),
      rateLimiter: new MemRateLimiter(),
      close: () => pubsub.close(),
    };
  }
  // One connection for commands; pub/sub keeps its own (a subscribed connection can do nothing else).
  const redis = connectRedis(options.redisUrl, 'commands', options.redisSettings);
  const pubsub = new RedisPubSub(options.redisUrl, options.prefix, options.onHandlerError, options.redisSettings);
  return {
    kind: 'redis',
    pubsub,
    kv: new RedisKeyValueStore(redis, options.prefix),
    rankedSets: new RedisRankedSet(redis, options.prefix),
    rateLimiter: new RedisRateLimiter(redis, options.prefix),
    async close() {
      await Promise.all([pubsub.close(), closeRedis(redis)]);
    },
  };
}
