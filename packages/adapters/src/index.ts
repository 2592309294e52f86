export { createAdapters, type AdapterOptions, type Adapters } from './createAdapters.js';
export type { KeyValueStore } from './keyValueStore.js';
export { MemKeyValueStore } from './memKeyValueStore.js';
export { MemPubSub } from './memPubSub.js';
export type { Message, MessageHandler, PubSub, Unsubscribe } from './pubSub.js';
export { connectRedis } from './redis.js';
export { RedisKeyValueStore } from './redisKeyValueStore.js';
export { RedisPubSub } from './redisPubSub.js';
export { TOPICS, isPetitionLifecycleEvent, type LifecycleStatus, type PetitionLifecycleEvent } from './topics.js';
