import type { Redis } from 'ioredis';
import { closeRedis, connectRedis, redisSettings, type RedisSettings } from './redis.js';
import type { Message, MessageHandler, PubSub, Unsubscribe } from './pubSub.js';

interface Subscription {
  handler: MessageHandler;
  onMissed: (() => void) | undefined;
}

interface Channel {
  subscriptions: Set<Subscription>;
  /** Settles when the broker has confirmed the SUBSCRIBE sent for the first subscription. */
  live: Promise<unknown>;
}

/**
 * Redis pub/sub. One SUBSCRIBE per topic per process, however many local handlers:
 * the broker sees one subscription per topic, and fan-out to handlers happens here.
 * After the subscribing connection was lost (Redis restarted, cut or silent), every topic is
 * subscribed again as soon as a new connection is ready, and each subscription's `onMissed`
 * is called.
 */
export class RedisPubSub implements PubSub {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channels = new Map<string, Channel>();
  private readonly heartbeat: NodeJS.Timeout;
  private connectedBefore = false;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly onHandlerError: (error: unknown) => void = () => {},
    settings: Partial<RedisSettings> = {},
  ) {
    this.publisher = connectRedis(url, 'pubsub-publish', settings);
    this.subscriber = connectRedis(url, 'pubsub-subscribe', settings);
    this.subscriber.on('message', (channel: string, payload: string) => this.deliver(channel, payload));
    this.subscriber.on('ready', () => void this.subscribeAgain());
    // A subscribing connection sends nothing of its own: without a ping, one gone silent would
    // never be noticed (a command pending past the timeout drops the connection).
    this.heartbeat = setInterval(() => {
      if (this.subscriber.status === 'ready') this.subscriber.ping().catch(() => {});
    }, redisSettings(settings).heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  async publish(topic: string, message: Message): Promise<void> {
    await this.publisher.publish(this.channel(topic), JSON.stringify(message));
  }

  async subscribe(topic: string, handler: MessageHandler, onMissed?: () => void): Promise<Unsubscribe> {
    const name = this.channel(topic);
    const subscription: Subscription = { handler, onMissed };
    let channel = this.channels.get(name);
    if (channel === undefined) {
      // ioredis sends commands in order, so a SUBSCRIBE queued after an UNSUBSCRIBE wins.
      const live = this.whenReady().then(() => this.subscriber.subscribe(name));
      const created: Channel = { subscriptions: new Set(), live };
      created.live.catch(() => {
        // Forgotten, so that the next subscription to the topic sends SUBSCRIBE again.
        if (this.channels.get(name) === created) this.channels.delete(name);
      });
      this.channels.set(name, created);
      channel = created;
    }
    channel.subscriptions.add(subscription);
    try {
      await channel.live;
    } catch (error) {
      channel.subscriptions.delete(subscription);
      throw error;
    }
    const subscribed = channel;
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      subscribed.subscriptions.delete(subscription);
      if (subscribed.subscriptions.size === 0 && this.channels.get(name) === subscribed) {
        this.channels.delete(name);
        // Without a connection there is nothing to undo: a new one subscribes to what is left.
        // Should UNSUBSCRIBE fail, messages still arriving on the channel are dropped.
        if (this.subscriber.status === 'ready') await this.subscriber.unsubscribe(name).catch(() => {});
      }
    };
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.channels.clear();
    await Promise.all([closeRedis(this.publisher), closeRedis(this.subscriber)]);
  }

  /**
   * Resolves when SUBSCRIBE may be sent: at once on a ready connection, after the first
   * connection is made when there was none yet; fails at once while a connection is being
   * made again (a SUBSCRIBE sent before the connection is ready would break its handshake).
   */
  private whenReady(): Promise<void> {
    if (this.subscriber.status === 'ready') return Promise.resolve();
    if (this.connectedBefore) return Promise.reject(new Error('Redis is not connected (pub/sub)'));
    return new Promise((resolve, reject) => {
      const settle = (outcome: () => void) => {
        this.subscriber.off('ready', onReady);
        this.subscriber.off('close', onClose);
        outcome();
      };
      const onReady = () => settle(resolve);
      const onClose = () => settle(() => reject(new Error('Redis could not be reached (pub/sub)')));
      this.subscriber.once('ready', onReady);
      this.subscriber.once('close', onClose);
    });
  }

  /**
   * On every connection after the first: SUBSCRIBE to every topic again, then tell each
   * subscription that messages may have been missed. Should that fail, the connection is
   * dropped, and the next one tries again.
   */
  private async subscribeAgain(): Promise<void> {
    const first = !this.connectedBefore;
    this.connectedBefore = true;
    if (first) return;
    const names = [...this.channels.keys()];
    if (names.length === 0) return;
    try {
      await this.subscriber.subscribe(...names);
    } catch {
      if (this.subscriber.status === 'ready') this.subscriber.disconnect(true);
      return;
    }
    for (const name of names) {
      for (const subscription of this.channels.get(name)?.subscriptions ?? []) {
        try {
          subscription.onMissed?.();
        } catch (error) {
          this.onHandlerError(error);
        }
      }
    }
  }

  private deliver(channel: string, payload: string): void {
    const subscriptions = this.channels.get(channel)?.subscriptions;
    if (subscriptions === undefined) return;
    let message: Message;
    try {
      message = JSON.parse(payload);
    } catch (error) {
      this.onHandlerError(error);
      return;
    }
    for (const { handler } of subscriptions) {
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
