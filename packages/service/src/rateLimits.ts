import { isIPv6 } from 'node:net';
import type { RateDecision, RateLimiter } from '@agora/adapters';
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
 * Counts one hit against each check in order and returns the first one over its limit, or
 * null. Checks after a refusal are not counted: a request refused for its address must not
 * use up the account's budget (or anyone could lock accounts out from one address), and one
 * user over their own limit must not use up what everyone behind the same address shares.
 */
export async function firstExceededLimit<By extends string>(
  limiter: RateLimiter,
  checks: readonly RateLimitCheck<By>[],
  options: { whenUnavailable: WhenLimitsUnavailable; logger: Logger },
): Promise<RateLimitExceeded<By> | null> {
  for (const check of checks) {
    try {
      const decision = await limiter.hit(check.key, check.limit, check.windowSeconds);
      if (!decision.allowed) return { by: check.by, retryAfterSeconds: decision.retryAfterSeconds };
    } catch (error) {
      refuseOrWarnUnavailable(error, options);
    }
  }
  return null;
}

/** Hits counted by reserveWithinLimits, kept unless given back. */
export interface RateLimitReservation<By extends string> {
  /** The first check over its limit, or null; when refused, every hit was given back already. */
  exceeded: RateLimitExceeded<By> | null;
  /** Gives back every hit counted, for an attempt that turned out not to count; once, never throws. */
  release(): Promise<void>;
  /** Hits each key had in its window once this one was counted (keys Redis could not count are absent). */
  hits: ReadonlyMap<string, number>;
}

/**
 * Counts one hit against each check in order, for an action that only counts when it fails
 * (a login: a wrong password counts, the right one does not). The hits are counted before the
 * action, so that attempts racing each other cannot all pass a limit that only their outcome
 * would fill; the caller keeps them when the action failed and releases them when it did not.
 * Over a limit, every hit counted is given back, the refused one too: a refused attempt is no
 * failure and counts against nothing, as with firstExceededLimit.
 */
export async function reserveWithinLimits<By extends string>(
  limiter: RateLimiter,
  checks: readonly RateLimitCheck<By>[],
  options: { whenUnavailable: WhenLimitsUnavailable; logger: Logger },
): Promise<RateLimitReservation<By>> {
  const counted: string[] = [];
  const hits = new Map<string, number>();
  let released = false;
  async function release(): Promise<void> {
    if (released) return;
    released = true;
    for (const key of counted) {
      try {
        await limiter.refund(key);
      } catch (error) {
        options.logger.warn('cannot give back a rate limit hit; it counts until its window ends', { error });
      }
    }
  }
  for (const check of checks) {
    let decision: RateDecision;
    try {
      decision = await limiter.hit(check.key, check.limit, check.windowSeconds);
    } catch (error) {
      if (options.whenUnavailable === 'refuse') await release();
      refuseOrWarnUnavailable(error, options);
      continue;
    }
    counted.push(check.key);
    hits.set(check.key, decision.hits);
    if (!decision.allowed) {
      await release();
      return { exceeded: { by: check.by, retryAfterSeconds: decision.retryAfterSeconds }, release, hits };
    }
  }
  return { exceeded: null, release, hits };
}

function refuseOrWarnUnavailable(
  error: unknown,
  options: { whenUnavailable: WhenLimitsUnavailable; logger: Logger },
): void {
  if (options.whenUnavailable === 'refuse') {
    options.logger.error('cannot check a rate limit; refusing the request', { error });
    throw new ServiceUnavailableError('This cannot be done right now; please try again shortly.');
  }
  options.logger.warn('cannot check a rate limit; letting the request through', { error });
}

/**
 * The per-address check for `clientAddress` under `keyPrefix`, or none when the address is
 * not known (a call that did not come through the gateway).
 */
export function addressCheck(
  keyPrefix: string,
  clientAddress: string | null,
  limit: number,
  windowSeconds: number,
): RateLimitCheck<'address'>[] {
  if (clientAddress === null) return [];
  return [{ by: 'address', key: `${keyPrefix}:${addressLimitKey(clientAddress)}`, limit, windowSeconds }];
}

/**
 * The checks of an action limited per user and per client address, the user first: a user
 * over their own limit is refused before they use up what everyone behind their address shares.
 * Keys are `<keyPrefix>:user:<id>` and `<keyPrefix>:address:<address>`.
 */
export function userAndAddressChecks(
  keyPrefix: string,
  userId: string,
  clientAddress: string | null,
  limits: { perUser: number; perAddress: number },
  windowSeconds: number,
): RateLimitCheck<'user' | 'address'>[] {
  return [
    { by: 'user', key: `${keyPrefix}:user:${userId}`, limit: limits.perUser, windowSeconds },
    ...addressCheck(`${keyPrefix}:address`, clientAddress, limits.perAddress, windowSeconds),
  ];
}

/**
 * What one client is counted as: an IPv4 address as it is, an IPv6 address by its /64
 * network, since one subscriber is routinely given a whole /64 and could otherwise take a new
 * address for every attempt.
 */
export function addressLimitKey(address: string): string {
  const mappedIPv4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mappedIPv4?.[1] !== undefined) return mappedIPv4[1];
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
