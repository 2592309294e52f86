export interface RateDecision {
  allowed: boolean;
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
}
