/** A JSON-serialisable message. */
export type Message = unknown;

export type MessageHandler = (message: Message) => void;

/** Stops one subscription; calling it twice is harmless, and it never fails (Redis away included). */
export type Unsubscribe = () => Promise<void>;

/**
 * Fire-and-forget topics. Delivery is at most once, in publish order per topic, to
 * every subscription that existed when the message was published; nothing is kept for
 * subscribers that come later. Durable flows (signatures, lifecycle events) must not
 * rely on pub/sub alone.
 */
export interface PubSub {
  publish(topic: string, message: Message): Promise<void>;
  /**
   * Resolves once the subscription is live: a message published after that arrives. Fails,
   * within a bounded time, when the broker cannot be reached. Once live, it lasts until
   * unsubscribed: should the connection to the broker be lost, it is restored when the broker
   * is back, and `onMissed` is called then, since what was published meanwhile is lost (read
   * the state those messages would have brought). The in-process twin never calls it.
   */
  subscribe(topic: string, handler: MessageHandler, onMissed?: () => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}
