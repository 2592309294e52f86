import type { Redis } from 'ioredis';
import type { KeyValueStore } from './keyValueStore.js';
import { connectRedis } from './redis.js';

export class RedisKeyValueStore implements KeyValueStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = connectRedis(url, 'kv');
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(this.key(key));
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.key(key), value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }
}
