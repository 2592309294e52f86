/**
 * A small string store with expiry: revoked sessions, caches. Keys are namespaced by the
 * implementation's prefix.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Stores `value` under `key` for `ttlSeconds` (at least 1). */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}
