import { Redis } from 'ioredis';
import { TEST_REDIS_URL, testRedisPrefix } from '@agora/testkit';
import { MemRankedSet, RedisRankedSet, type RankedSet } from '../index.js';

const redis = new Redis(TEST_REDIS_URL);

afterAll(async () => {
  await redis.quit();
});

const implementations: [string, () => RankedSet][] = [
  ['MemRankedSet', () => new MemRankedSet()],
  ['RedisRankedSet', () => new RedisRankedSet(redis, testRedisPrefix('ranked'))],
];

describe.each(implementations)('RankedSet contract: %s', (_name, create) => {
  let set: RankedSet;

  beforeEach(() => {
    set = create();
  });

  it('should rank highest score first, ties by member descending', async () => {
    await set.setScores('s', [
      { member: 'a', score: 1 },
      { member: 'b', score: 3 },
      { member: 'c', score: 3 },
      { member: 'd', score: 2 },
    ]);
    expect(await set.highest('s', 10)).toEqual([
      { member: 'c', score: 3 },
      { member: 'b', score: 3 },
      { member: 'd', score: 2 },
      { member: 'a', score: 1 },
    ]);
    expect(await set.size('s')).toBe(4);
  });

  it('should resume after a position, ties included, when walking page by page', async () => {
    const entries = Array.from({ length: 45 }, (_, i) => ({
      member: `m${String(i).padStart(2, '0')}`,
      score: Math.floor(i / 10),
    }));
    await set.setScores('s', entries);
    const seen: string[] = [];
    let after;
    for (;;) {
      const page = await set.highest('s', 7, after);
      seen.push(...page.map((entry) => entry.member));
      if (page.length < 7) break;
      after = page.at(-1);
    }
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
    expect(seen.slice(0, 5)).toEqual(['m44', 'm43', 'm42', 'm41', 'm40']);
  });

  it('should only raise scores when asked to, whatever order the writes land in', async () => {
    await set.setScores('s', [{ member: 'p', score: 10 }]);
    await set.setScores('s', [{ member: 'p', score: 7 }], { onlyIfGreater: true });
    expect(await set.scores('s', ['p'])).toEqual([10]);
    await set.setScores('s', [{ member: 'p', score: 12 }], { onlyIfGreater: true });
    expect(await set.scores('s', ['p', 'nobody'])).toEqual([12, null]);
  });

  it('should not bring back a removed member when only present members may change', async () => {
    await set.setScores('s', [
      { member: 'open', score: 1 },
      { member: 'closed', score: 1 },
    ]);
    await set.remove('s', ['closed']);
    await set.setScores(
      's',
      [
        { member: 'closed', score: 5 },
        { member: 'open', score: 5 },
      ],
      { onlyIfPresent: true, onlyIfGreater: true },
    );
    expect(await set.highest('s', 10)).toEqual([{ member: 'open', score: 5 }]);
  });

  it('should replace the whole set in one step, and tell whether a set exists', async () => {
    expect(await set.exists('s')).toBe(false);
    await set.setScores('s', [{ member: 'old', score: 1 }]);
    await set.replace('s', [{ member: 'new', score: 2 }]);
    expect([await set.exists('s'), await set.highest('s', 10)]).toEqual([true, [{ member: 'new', score: 2 }]]);
    await set.replace('s', []);
    expect(await set.exists('s')).toBe(false);
  });
});
