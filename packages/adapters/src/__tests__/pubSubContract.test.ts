import { MessageQueue, TEST_REDIS_URL, testRedisPrefix } from '@agora/testkit';
import { MemPubSub, RedisPubSub, type Message, type PubSub } from '../index.js';

const implementations: [string, () => PubSub][] = [
  ['MemPubSub', () => new MemPubSub()],
  ['RedisPubSub', () => new RedisPubSub(TEST_REDIS_URL, testRedisPrefix('pubsub'))],
];

describe.each(implementations)('PubSub contract: %s', (_name, create) => {
  let pubsub: PubSub;

  beforeEach(() => {
    pubsub = create();
  });

  afterEach(async () => {
    await pubsub.close();
  });

  it('should deliver a copy of the message when a subscriber listens on the topic', async () => {
    const received = new MessageQueue<Message>();
    await pubsub.subscribe('petition:1', received.push);
    const message = { petitionId: '1', count: 3, tags: ['a'] };
    await pubsub.publish('petition:1', message);
    message.count = 99;
    expect(await received.next()).toEqual({ petitionId: '1', count: 3, tags: ['a'] });
  });

  it('should keep publish order when many messages go to one topic', async () => {
    const received = new MessageQueue<Message>();
    await pubsub.subscribe('ordered', received.push);
    for (let i = 0; i < 50; i++) await pubsub.publish('ordered', i);
    const got: Message[] = [];
    for (let i = 0; i < 50; i++) got.push(await received.next());
    expect(got).toEqual([...Array(50).keys()]);
  });

  it('should deliver only to subscribers of the topic when topics differ', async () => {
    const first = new MessageQueue<Message>();
    const second = new MessageQueue<Message>();
    await pubsub.subscribe('a', first.push);
    await pubsub.subscribe('b', second.push);
    await pubsub.publish('a', 'for-a');
    await pubsub.publish('b', 'for-b');
    expect(await first.next()).toBe('for-a');
    expect(await second.next()).toBe('for-b');
    expect(first.pending()).toEqual([]);
  });

  it('should fan out to every local subscriber when several share a topic', async () => {
    const queues = [new MessageQueue<Message>(), new MessageQueue<Message>(), new MessageQueue<Message>()];
    for (const queue of queues) await pubsub.subscribe('shared', queue.push);
    await pubsub.publish('shared', 'hello');
    for (const queue of queues) expect(await queue.next()).toBe('hello');
  });

  it('should stop delivering to a subscription when it unsubscribes, and keep the others', async () => {
    const leaving = new MessageQueue<Message>();
    const staying = new MessageQueue<Message>();
    const unsubscribe = await pubsub.subscribe('topic', leaving.push);
    await pubsub.subscribe('topic', staying.push);
    await unsubscribe();
    await unsubscribe();
    await pubsub.publish('topic', 'after');
    expect(await staying.next()).toBe('after');
    expect(leaving.pending()).toEqual([]);
  });

  it('should deliver again when a topic is subscribed after its last subscriber left', async () => {
    const received = new MessageQueue<Message>();
    const unsubscribe = await pubsub.subscribe('again', received.push);
    await unsubscribe();
    await pubsub.subscribe('again', received.push);
    await pubsub.publish('again', 'back');
    expect(await received.next()).toBe('back');
  });

  it('should keep delivering to others when one handler throws', async () => {
    const received = new MessageQueue<Message>();
    await pubsub.subscribe('faulty', () => {
      throw new Error('handler bug');
    });
    await pubsub.subscribe('faulty', received.push);
    await pubsub.publish('faulty', 'still here');
    expect(await received.next()).toBe('still here');
  });
});

describe('RedisPubSub', () => {
  it('should reach a subscriber in another process-like instance when both share a prefix', async () => {
    const prefix = testRedisPrefix('pubsub-shared');
    const gatewayA = new RedisPubSub(TEST_REDIS_URL, prefix);
    const gatewayB = new RedisPubSub(TEST_REDIS_URL, prefix);
    try {
      const received = new MessageQueue<Message>();
      await gatewayB.subscribe('count', received.push);
      await gatewayA.publish('count', { n: 1 });
      expect(await received.next()).toEqual({ n: 1 });
    } finally {
      await Promise.all([gatewayA.close(), gatewayB.close()]);
    }
  });
});
