import { Redis } from 'ioredis';
import { TEST_REDIS_URL, testRedisPrefix } from '@agora/testkit';
import { MemKeyValueStore, RedisKeyValueStore, type KeyValueStore } from '../index.js';

const redis = new Redis(TEST_REDIS_URL);

afterAll(async () => {
  await redis.quit();
});

const implementations: [string, () => KeyValueStore][] = [
  ['MemKeyValueStore', () => new MemKeyValueStore()],
  ['RedisKeyValueStore', () => new RedisKeyValueStore(redis, testRedisPrefix('kv'))],
];

describe.each(implementations)('KeyValueStore contract: %s', (_name, create) => {
  let kv: KeyValueStore;

  beforeEach(() => {
    kv = create();
  });

  it('should return what was set when the key is read back', async () => {
    await kv.set('session:1', 'revoked', 60);
    expect(await kv.get('session:1')).toBe('revoked');
  });

  it('should return null when a key was never set', async () => {
    expect(await kv.get('missing')).toBeNull();
  });

  it('should forget a key when it is deleted', async () => {
    await kv.set('k', 'v', 60);
    await kv.delete('k');
    expect(await kv.get('k')).toBeNull();
  });

  it('should read several keys at once, null where there is none', async () => {
    await kv.set('a', '1');
    await kv.set('c', '3', 60);
    expect(await kv.getMany(['a', 'b', 'c'])).toEqual(['1', null, '3']);
    expect(await kv.getMany([])).toEqual([]);
  });

  it('should replace the value when a key is set again', async () => {
    await kv.set('k', 'one', 60);
    await kv.set('k', 'two', 60);
    expect(await kv.get('k')).toBe('two');
  });
});

describe('KeyValueStore expiry', () => {
  it('should forget an in-process key once its time to live has passed', async () => {
    let now = 1_000_000;
    const kv = new MemKeyValueStore(() => now);
    await kv.set('k', 'v', 10);
    now += 9_999;
    expect(await kv.get('k')).toBe('v');
    now += 1;
    expect(await kv.get('k')).toBeNull();
  });

  it('should give a Redis key the time to live asked for', async () => {
    const prefix = testRedisPrefix('kv-ttl');
    await new RedisKeyValueStore(redis, prefix).set('k', 'v', 30);
    const ttl = await redis.ttl(`${prefix}:k`);
    expect(ttl).toBeGreaterThan(25);
    expect(ttl).toBeLessThanOrEqual(30);
  });
});
