import type { RateDecision, RateLimiter } from './rateLimiter.js';

/** In-process twin of RedisRateLimiter. */
export class MemRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetsAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || window.resetsAt <= now) {
      if (this.windows.size > 100_000) this.sweep(now);
      window = { count: 0, resetsAt: now + windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count++;
    const allowed = window.count <= limit;
    return {
      allowed,
      hits: window.count,
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((window.resetsAt - now) / 1000)),
    };
  }

  async refund(key: string): Promise<void> {
    const window = this.windows.get(key);
    if (window !== undefined && window.resetsAt > this.now() && window.count > 0) window.count--;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetsAt <= now) this.windows.delete(key);
  }
}
