import type { RateLimiter } from '@agora/adapters';
import { ServiceUnavailableError } from '@agora/errors';
import type { Logger } from './logger.js';

/** One limit an action counts against: `limit` hits per `windowSeconds` under `key`. */
export interface RateLimitCheck<By extends string> {
  /** Whom the limit is about, for the message: 'user', 'address', 'account'. */
  by: By;
  key: string;
  limit: number;
  windowSeconds: number;
}

export interface RateLimitExceeded<By extends string> {
  by: By;
  retryAfterSeconds: number;
}

/**
 * What to do when the limits cannot be read (Redis away): 'allow' keeps the business going
 * (signing, checkout), 'refuse' fails closed where a missing limit invites guessing (login).
 */
export type WhenLimitsUnavailable = 'allow' | 'refuse';

/**
 * Counts one hit against every check, in order, and returns the first one over its limit,
 * or null. Each check is counted even when an earlier one refused, so that spreading
 * attempts over accounts does not dodge a per-address limit.
 */
export async function firstExceededLimit<By extends string>(
  limiter: RateLimiter,
  checks: readonly RateLimitCheck<By>[],
  options: { whenUnavailable: WhenLimitsUnavailable; logger: Logger },
): Promise<RateLimitExceeded<By> | null> {
  let exceeded: RateLimitExceeded<By> | null = null;
  for (const check of checks) {
    try {
      const decision = await limiter.hit(check.key, check.limit, check.windowSeconds);
      if (!decision.allowed && exceeded === null) {
        exceeded = { by: check.by, retryAfterSeconds: decision.retryAfterSeconds };
      }
    } catch (error) {
      if (options.whenUnavailable === 'refuse') {
        options.logger.error('cannot check a rate limit; refusing the request', { error });
        throw new ServiceUnavailableError('This cannot be done right now; please try again shortly.');
      }
      options.logger.warn('cannot check a rate limit; letting the request through', { error });
    }
  }
  return exceeded;
}
