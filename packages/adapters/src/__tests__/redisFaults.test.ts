import {
  MessageQueue,
  TEST_REDIS_URL,
  eventually,
  routeThroughTcpFaultProxy,
  testRedisPrefix,
  type TcpFaultMode,
  type TcpFaultProxy,
} from '@agora/testkit';
import { createAdapters, type Adapters, type Message, type RedisSettings } from '../index.js';

/** Deadlines these tests give Redis; every bound below is derived from them. */
const SETTINGS: RedisSettings = { commandTimeoutMs: 200, reconnectMaxDelayMs: 300, heartbeatIntervalMs: 500 };
/** What one command may take at most when Redis is away: its timeout, and a second for a busy machine. */
const COMMAND_BOUND_MS = SETTINGS.commandTimeoutMs + 1_000;

/** How long `run` took to settle, and whether it failed. */
async function timed(run: () => Promise<unknown>): Promise<{ ms: number; failed: boolean }> {
  const started = performance.now();
  const failed = await run().then(
    () => false,
    () => true,
  );
  return { ms: performance.now() - started, failed };
}

describe.each<TcpFaultMode>(['blackhole', 'reset'])('Redis adapters when Redis is cut (%s)', (mode) => {
  let proxy: TcpFaultProxy;
  let adapters: Adapters;
  let direct: Adapters;
  const prefix = testRedisPrefix('faults');

  beforeEach(async () => {
    const routed = await routeThroughTcpFaultProxy(TEST_REDIS_URL);
    proxy = routed.proxy;
    adapters = createAdapters({ redisUrl: routed.url, prefix, redisSettings: SETTINGS });
    direct = createAdapters({ redisUrl: TEST_REDIS_URL, prefix });
    await adapters.kv.set('k', 'v');
  });

  afterEach(async () => {
    proxy.setMode('pass');
    await Promise.all([adapters.close().catch(() => {}), direct.close()]);
    await proxy.stop();
  });

  it('should fail every command within its timeout, the next ones at once, and answer again once Redis is back', async () => {
    proxy.setMode(mode);
    const first = await Promise.all([
      timed(() => adapters.kv.get('k')),
      timed(() => adapters.rankedSets.scores('ranked', ['a'])),
      timed(() => adapters.rateLimiter.hit('rate', 10, 60)),
      timed(() => adapters.pubsub.publish('topic', 1)),
    ]);
    expect(first.map((outcome) => outcome.failed)).toEqual([true, true, true, true]);
    for (const outcome of first) expect(outcome.ms).toBeLessThan(COMMAND_BOUND_MS);

    // Redis is known to be away now: were each command to wait for its timeout again, these
    // fifty in a row would take fifty timeouts.
    const started = performance.now();
    for (let i = 0; i < 50; i++) await expect(adapters.kv.get('k')).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(10 * SETTINGS.commandTimeoutMs);

    proxy.setMode('pass');
    // Reconnection attempts are at most reconnectMaxDelayMs apart.
    await eventually(
      () =>
        adapters.kv.get('k').then(
          (value) => value === 'v',
          () => false,
        ),
      SETTINGS.reconnectMaxDelayMs + 2 * COMMAND_BOUND_MS,
    );
  });

  it('should deliver to a subscription again, and say messages were missed, once Redis is back', async () => {
    const received = new MessageQueue<Message>();
    let missed = 0;
    await adapters.pubsub.subscribe('counts', received.push, () => missed++);
    await direct.pubsub.publish('counts', 'before');
    expect(await received.next()).toBe('before');

    proxy.setMode(mode);
    await direct.pubsub.publish('counts', 'lost');
    proxy.setMode('pass');
    await eventually(async () => missed > 0, SETTINGS.reconnectMaxDelayMs + 2 * COMMAND_BOUND_MS);
    // Resubscribed before `missed` is called: a message published now arrives.
    await direct.pubsub.publish('counts', 'after');
    expect(await received.next()).toBe('after');
  });

  it('should refuse a new subscription within the timeout while Redis is cut, and take it once Redis is back', async () => {
    proxy.setMode(mode);
    const refused = await timed(() => adapters.pubsub.subscribe('later', () => {}));
    expect(refused.failed).toBe(true);
    expect(refused.ms).toBeLessThan(COMMAND_BOUND_MS);

    proxy.setMode('pass');
    const received = new MessageQueue<Message>();
    await eventually(
      () =>
        adapters.pubsub.subscribe('later', received.push).then(
          () => true,
          () => false,
        ),
      SETTINGS.reconnectMaxDelayMs + 2 * COMMAND_BOUND_MS,
    );
    await direct.pubsub.publish('later', 'hello');
    expect(await received.next()).toBe('hello');
  });
});
