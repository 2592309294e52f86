/**
 * A small string store, with expiry where asked: revoked sessions, cached records. Keys are
 * namespaced by the implementation's prefix.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Several keys in one round trip, null where there is no value. */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  /** Stores `value` under `key`, for `ttlSeconds` (at least 1) or, without it, until deleted. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
}
