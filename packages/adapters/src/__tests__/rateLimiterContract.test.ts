import { Redis } from 'ioredis';
import { TEST_REDIS_URL, testRedisPrefix } from '@agora/testkit';
import { MemRateLimiter, RedisRateLimiter, type RateLimiter } from '../index.js';

const redis = new Redis(TEST_REDIS_URL);

afterAll(async () => {
  await redis.quit();
});

const implementations: [string, () => RateLimiter][] = [
  ['MemRateLimiter', () => new MemRateLimiter()],
  ['RedisRateLimiter', () => new RedisRateLimiter(redis, testRedisPrefix('rate'))],
];

describe.each(implementations)('RateLimiter contract: %s', (_name, create) => {
  it('should allow the limit within a window and refuse the rest with a time to wait', async () => {
    const limiter = create();
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await limiter.hit('user:1', 3, 60));
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false, false]);
    expect(decisions.map((decision) => decision.hits)).toEqual([1, 2, 3, 4, 5]);
    expect(decisions[4]?.retryAfterSeconds).toBeGreaterThan(0);
    expect(decisions[4]?.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('should count keys apart', async () => {
    const limiter = create();
    await limiter.hit('a', 1, 60);
    expect((await limiter.hit('b', 1, 60)).allowed).toBe(true);
    expect((await limiter.hit('a', 1, 60)).allowed).toBe(false);
  });

  it('should count exactly when many hits race', async () => {
    const limiter = create();
    const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.hit('burst', 20, 60)));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(20);
  });

  it('should allow one more hit for each hit given back within the window', async () => {
    const limiter = create();
    await limiter.hit('refunded', 2, 60);
    await limiter.hit('refunded', 2, 60);
    await limiter.refund('refunded');
    expect((await limiter.hit('refunded', 2, 60)).allowed).toBe(true);
    expect((await limiter.hit('refunded', 2, 60)).allowed).toBe(false);
  });

  it('should give back nothing below zero, nor for a key never hit', async () => {
    const limiter = create();
    await limiter.refund('never-hit');
    await limiter.hit('once', 1, 60);
    await limiter.refund('once');
    await limiter.refund('once');
    await limiter.refund('once');
    expect((await limiter.hit('never-hit', 1, 60)).allowed).toBe(true);
    expect((await limiter.hit('never-hit', 1, 60)).allowed).toBe(false);
    expect((await limiter.hit('once', 1, 60)).allowed).toBe(true);
    expect((await limiter.hit('once', 1, 60)).allowed).toBe(false);
  });

  it('should count exactly when hits and refunds race', async () => {
    const limiter = create();
    for (let i = 0; i < 10; i++) await limiter.hit('churn', 15, 60);
    await Promise.all([
      ...Array.from({ length: 5 }, () => limiter.refund('churn')),
      ...Array.from({ length: 5 }, () => limiter.hit('churn', 15, 60)),
    ]);
    const decisions = await Promise.all(Array.from({ length: 10 }, () => limiter.hit('churn', 15, 60)));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(5);
  });
});

describe('MemRateLimiter windows', () => {
  it('should allow again once the window has passed', async () => {
    let now = 0;
    const limiter = new MemRateLimiter(() => now);
    await limiter.hit('k', 1, 10);
    expect((await limiter.hit('k', 1, 10)).allowed).toBe(false);
    now += 10_000;
    expect((await limiter.hit('k', 1, 10)).allowed).toBe(true);
  });

  it('should give nothing back to a window that has passed', async () => {
    let now = 0;
    const limiter = new MemRateLimiter(() => now);
    await limiter.hit('k', 1, 10);
    now += 10_000;
    await limiter.refund('k');
    expect((await limiter.hit('k', 1, 10)).allowed).toBe(true);
    expect((await limiter.hit('k', 1, 10)).allowed).toBe(false);
  });
});
