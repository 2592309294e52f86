/** A JSON-serialisable message. */
export type Message = unknown;

export type MessageHandler = (message: Message) => void;

/** Stops one subscription; calling it twice is harmless. */
export type Unsubscribe = () => Promise<void>;

/**
 * Fire-and-forget topics. Delivery is at most once, in publish order per topic, to
 * every subscription that existed when the message was published; nothing is kept for
 * subscribers that come later. Durable flows (signatures, lifecycle events) must not
 * rely on pub/sub alone.
 */
export interface PubSub {
  publish(topic: string, message: Message): Promise<void>;
  /** Resolves once the subscription is live: a message published after that arrives. */
  subscribe(topic: string, handler: MessageHandler): Promise<Unsubscribe>;
  close(): Promise<void>;
}
