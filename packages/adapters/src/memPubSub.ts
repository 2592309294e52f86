import type { Message, MessageHandler, PubSub, Unsubscribe } from './pubSub.js';

/** In-process pub/sub for the all-in-one mode: the same contract as RedisPubSub. */
export class MemPubSub implements PubSub {
  private readonly handlers = new Map<string, Set<MessageHandler>>();

  constructor(private readonly onHandlerError: (error: unknown) => void = () => {}) {}

  async publish(topic: string, message: Message): Promise<void> {
    const handlers = [...(this.handlers.get(topic) ?? [])];
    if (handlers.length === 0) return;
    // Serialise as Redis would, so nobody shares a mutable object with the publisher.
    const payload = JSON.stringify(message);
    // Deliver asynchronously, as Redis does, so publishers never run subscriber code inline.
    setImmediate(() => {
      for (const handler of handlers) {
        try {
          handler(JSON.parse(payload));
        } catch (error) {
          this.onHandlerError(error);
        }
      }
    });
  }

  async subscribe(topic: string, handler: MessageHandler): Promise<Unsubscribe> {
    // Wrapped so the same function may subscribe twice and be removed once per call.
    const subscription: MessageHandler = (message) => handler(message);
    let handlers = this.handlers.get(topic);
    if (handlers === undefined) {
      handlers = new Set();
      this.handlers.set(topic, handlers);
    }
    handlers.add(subscription);
    return async () => {
      handlers.delete(subscription);
      if (handlers.size === 0 && this.handlers.get(topic) === handlers) this.handlers.delete(topic);
    };
  }

  /** How many subscriptions a topic has (one per consuming process, in Agora). */
  subscriptionCount(topic: string): number {
    return this.handlers.get(topic)?.size ?? 0;
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
