import { MemRateLimiter, type RateLimiter } from '@agora/adapters';
import {
  addressLimitKey,
  firstExceededLimit,
  reserveWithinLimits,
  silentLogger,
  type RateLimitCheck,
} from '../index.js';

describe('firstExceededLimit', () => {
  const checks = (limit: number): RateLimitCheck<'user' | 'address'>[] => [
    { by: 'user', key: 'user:1', limit, windowSeconds: 60 },
    { by: 'address', key: 'address:1', limit: 100, windowSeconds: 60 },
  ];

  it('should return the first check over its limit, with the seconds until its window resets', async () => {
    const limiter = new MemRateLimiter();
    expect(await firstExceededLimit(limiter, checks(1), { whenUnavailable: 'allow', logger: silentLogger })).toBeNull();
    const exceeded = await firstExceededLimit(limiter, checks(1), { whenUnavailable: 'allow', logger: silentLogger });
    expect(exceeded?.by).toBe('user');
    expect(exceeded?.retryAfterSeconds).toBeGreaterThan(0);
    expect(exceeded?.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('should not count the checks after one that refused', async () => {
    const hits: string[] = [];
    const limiter: RateLimiter = {
      hit: async (key, limit) => {
        hits.push(key);
        return { allowed: limit > 1, hits: 1, retryAfterSeconds: 30 };
      },
      refund: () => Promise.resolve(),
    };
    const exceeded = await firstExceededLimit(limiter, checks(1), { whenUnavailable: 'allow', logger: silentLogger });
    expect(exceeded).toEqual({ by: 'user', retryAfterSeconds: 30 });
    expect(hits).toEqual(['user:1']);
  });

  describe('addressLimitKey', () => {
    it.each([
      ['an IPv4 address as it is', '203.0.113.7', '203.0.113.7'],
      ['an IPv4-mapped IPv6 address as its IPv4 address', '::ffff:203.0.113.7', '203.0.113.7'],
      ['an IPv6 address by its /64', '2001:db8:abcd:12:1:2:3:4', '2001:db8:abcd:12::/64'],
      ['a compressed IPv6 address by its /64', '2001:db8::7', '2001:db8:0:0::/64'],
      ['two addresses of one /64 as the same client', '2001:0db8:abcd:0012::ffff', '2001:db8:abcd:12::/64'],
      ['the IPv6 loopback', '::1', '0:0:0:0::/64'],
    ])('should count %s', (_case, address, key) => {
      expect(addressLimitKey(address)).toBe(key);
    });
  });

  describe('when the store is unreachable', () => {
    const unreachable: RateLimiter = {
      hit: () => Promise.reject(new Error('connect ECONNREFUSED')),
      refund: () => Promise.reject(new Error('connect ECONNREFUSED')),
    };

    it("should let the request through when told to 'allow'", async () => {
      expect(
        await firstExceededLimit(unreachable, checks(1), { whenUnavailable: 'allow', logger: silentLogger }),
      ).toBeNull();
    });

    it("should refuse with SERVICE_UNAVAILABLE when told to 'refuse'", async () => {
      await expect(
        firstExceededLimit(unreachable, checks(1), { whenUnavailable: 'refuse', logger: silentLogger }),
      ).rejects.toMatchObject({
        message: 'This cannot be done right now; please try again shortly.',
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
    });
  });
});

describe('reserveWithinLimits', () => {
  const options = { whenUnavailable: 'refuse', logger: silentLogger } as const;
  const checks = (addressLimit: number): RateLimitCheck<'account' | 'address'>[] => [
    { by: 'account', key: 'account:1', limit: 1, windowSeconds: 60 },
    { by: 'address', key: 'address:1', limit: addressLimit, windowSeconds: 60 },
  ];

  /** A limiter that refuses `refused` and records what it was asked. */
  function recordingLimiter(refused: string) {
    const calls: string[] = [];
    const limiter: RateLimiter = {
      hit: async (key) => {
        calls.push(`hit ${key}`);
        return key === refused
          ? { allowed: false, hits: 2, retryAfterSeconds: 30 }
          : { allowed: true, hits: 1, retryAfterSeconds: 0 };
      },
      refund: async (key) => {
        calls.push(`refund ${key}`);
      },
    };
    return { limiter, calls };
  }

  it('should keep the hits of an allowed attempt until released, and give them back only once', async () => {
    const limiter = new MemRateLimiter();
    const first = await reserveWithinLimits(limiter, checks(10), options);
    expect(first.exceeded).toBeNull();
    expect((await reserveWithinLimits(limiter, checks(10), options)).exceeded).toEqual({
      by: 'account',
      retryAfterSeconds: expect.any(Number) as number,
    });
    await first.release();
    await first.release();
    expect((await reserveWithinLimits(limiter, checks(10), options)).exceeded).toBeNull();
    expect((await reserveWithinLimits(limiter, checks(10), options)).exceeded?.by).toBe('account');
  });

  it('should give back every hit it counted when one check refuses, the refused one too', async () => {
    const { limiter, calls } = recordingLimiter('address:1');
    const reservation = await reserveWithinLimits(limiter, checks(10), options);
    expect(reservation.exceeded).toEqual({ by: 'address', retryAfterSeconds: 30 });
    expect(calls).toEqual(['hit account:1', 'hit address:1', 'refund account:1', 'refund address:1']);
  });

  it('should stop at the first check that refuses', async () => {
    const { limiter, calls } = recordingLimiter('account:1');
    expect((await reserveWithinLimits(limiter, checks(10), options)).exceeded?.by).toBe('account');
    expect(calls).toEqual(['hit account:1', 'refund account:1']);
  });

  it("should give back what it counted and refuse with SERVICE_UNAVAILABLE when a check cannot be read and told to 'refuse'", async () => {
    const calls: string[] = [];
    const halfBroken: RateLimiter = {
      hit: async (key) => {
        if (key === 'address:1') throw new Error('connect ECONNREFUSED');
        calls.push(`hit ${key}`);
        return { allowed: true, hits: 1, retryAfterSeconds: 0 };
      },
      refund: async (key) => {
        calls.push(`refund ${key}`);
      },
    };
    await expect(reserveWithinLimits(halfBroken, checks(10), options)).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(calls).toEqual(['hit account:1', 'refund account:1']);
  });
});
