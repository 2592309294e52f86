import type { KeyValueStore } from './keyValueStore.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** In-process twin of RedisKeyValueStore; expired entries are dropped when touched. */
export class MemKeyValueStore implements KeyValueStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<string | null> {
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return Promise.all(keys.map((key) => this.get(key)));
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    this.sweep();
    const expiresAt = ttlSeconds === undefined ? Infinity : this.now() + Math.max(1, ttlSeconds) * 1000;
    this.entries.set(key, { value, expiresAt });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  /** Keeps memory bounded by dropping what has expired, a little on every write. */
  private sweep(): void {
    const now = this.now();
    let checked = 0;
    for (const [key, entry] of this.entries) {
      if (checked++ >= 20) break;
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}
