export { createAdapters, type AdapterOptions, type Adapters } from './createAdapters.js';
export type { KeyValueStore } from './keyValueStore.js';
export { MemKeyValueStore } from './memKeyValueStore.js';
export { MemPubSub } from './memPubSub.js';
export { MemRankedSet } from './memRankedSet.js';
export { MemRateLimiter } from './memRateLimiter.js';
export type { Message, MessageHandler, PubSub, Unsubscribe } from './pubSub.js';
export { ranksAfter, type Ranked, type RankedSet, type SetScoresOptions } from './rankedSet.js';
export type { RateDecision, RateLimiter } from './rateLimiter.js';
export { DEFAULT_REDIS_SETTINGS, connectRedis, type RedisSettings } from './redis.js';
export { RedisKeyValueStore } from './redisKeyValueStore.js';
export { RedisPubSub } from './redisPubSub.js';
export { RedisRankedSet } from './redisRankedSet.js';
export { RedisRateLimiter } from './redisRateLimiter.js';
export {
  TOPICS,
  isPetitionLifecycleEvent,
  isSessionRevokedEvent,
  isSignatureCountEvent,
  type LifecycleStatus,
  type PetitionLifecycleEvent,
  type SessionRevokedEvent,
  type SignatureCountEvent,
} from './topics.js';
