export interface RateDecision {
  allowed: boolean;
  /** Hits counted under the key in this window, this one included. */
  hits: number;
  /** Seconds until the window resets (when refused). */
  retryAfterSeconds: number;
}

/**
 * Counts hits per key in fixed windows: `limit` hits are allowed per window of
 * `windowSeconds`, the rest are refused until it resets. Keys are namespaced by the
 * implementation's prefix; Redis shares the counts between processes.
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowSeconds: number): Promise<RateDecision>;
  /**
   * Gives back one hit counted under `key` in its current window, for an attempt that turned
   * out not to count (a login with the right password). Never below zero; nothing when the
   * key has no live window. Given back after its window ended and a new one began, it comes
   * off the new one.
   */
  refund(key: string): Promise<void>;
}
