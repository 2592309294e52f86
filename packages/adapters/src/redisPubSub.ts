import type { Redis } from 'ioredis';
import { connectRedis } from './redis.js';
import type { Message, MessageHandler, PubSub, Unsubscribe } from './pubSub.js';

/**
 * Redis pub/sub. One SUBSCRIBE per topic per process, however many local handlers:
 * the broker sees one subscription per topic, and fan-out to handlers happens here.
 */
export class RedisPubSub implements PubSub {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Set<MessageHandler>>();

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly onHandlerError: (error: unknown) => void = () => {},
  ) {
    this.publisher = connectRedis(url, 'pubsub-publish');
    this.subscriber = connectRedis(url, 'pubsub-subscribe');
    this.subscriber.on('message', (channel: string, payload: string) => this.deliver(channel, payload));
  }

  async publish(topic: string, message: Message): Promise<void> {
    await this.publisher.publish(this.channel(topic), JSON.stringify(message));
  }

  async subscribe(topic: string, handler: MessageHandler): Promise<Unsubscribe> {
    const channel = this.channel(topic);
    const subscription: MessageHandler = (message) => handler(message);
    let handlers = this.handlers.get(channel);
    const first = handlers === undefined;
    if (handlers === undefined) {
      handlers = new Set();
      this.handlers.set(channel, handlers);
    }
    handlers.add(subscription);
    // ioredis sends commands in order, so a SUBSCRIBE queued after an UNSUBSCRIBE wins.
    if (first) await this.subscriber.subscribe(channel);
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      handlers.delete(subscription);
      if (handlers.size === 0 && this.handlers.get(channel) === handlers) {
        this.handlers.delete(channel);
        await this.subscriber.unsubscribe(channel);
      }
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await Promise.all([this.publisher.quit(), this.subscriber.quit()]);
  }

  private deliver(channel: string, payload: string): void {
    const handlers = this.handlers.get(channel);
    if (handlers === undefined) return;
    let message: Message;
    try {
      message = JSON.parse(payload);
    } catch (error) {
      this.onHandlerError(error);
      return;
    }
    for (const handler of handlers) {
      try {
        handler(message);
      } catch (error) {
        this.onHandlerError(error);
      }
    }
  }

  private channel(topic: string): string {
    return `${this.prefix}:${topic}`;
  }
}
