import type { Redis } from 'ioredis';
import type { KeyValueStore } from './keyValueStore.js';

/** KeyValueStore on Redis strings with EX; the connection belongs to the caller. */
export class RedisKeyValueStore implements KeyValueStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  get(key: string): Promise<string | null> {
    return this.redis.get(this.key(key));
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return keys.length === 0 ? [] : this.redis.mget(keys.map((key) => this.key(key)));
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    if (ttlSeconds === undefined) await this.redis.set(this.key(key), value);
    else await this.redis.set(this.key(key), value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }
}
