import type { Redis } from 'ioredis';
import type { RateDecision, RateLimiter } from './rateLimiter.js';

/** Counts the hit and starts the window on the first one, atomically. Returns { count, ttl }. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('TTL', KEYS[1]) }
`;

/** Takes one hit off a live window, keeping its expiry; never below zero, never creates the key. */
const REFUND_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]))
if count ~= nil and count > 0 then redis.call('DECR', KEYS[1]) end
return 0
`;

/** RateLimiter on Redis counters shared by every process; the connection belongs to the caller. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, `${this.prefix}:${key}`, windowSeconds)) as [
      number,
      number,
    ];
    const allowed = count <= limit;
    return { allowed, hits: count, retryAfterSeconds: allowed ? 0 : Math.max(1, ttl) };
  }

  async refund(key: string): Promise<void> {
    await this.redis.eval(REFUND_SCRIPT, 1, `${this.prefix}:${key}`);
  }
}
