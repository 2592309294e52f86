import { MemRateLimiter, type RateLimiter } from '@agora/adapters';
import { addressLimitKey, firstExceededLimit, silentLogger, type RateLimitCheck } from '../index.js';

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
        return { allowed: limit > 1, retryAfterSeconds: 30 };
      },
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
    const unreachable: RateLimiter = { hit: () => Promise.reject(new Error('connect ECONNREFUSED')) };

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
