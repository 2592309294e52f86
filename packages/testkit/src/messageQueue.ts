/**
 * Collects values that arrive asynchronously (pub/sub messages, socket frames) so a test
 * can take them in order and wait for the next one with a deadline, never with a sleep.
 */
export class MessageQueue<T> {
  private readonly buffered: T[] = [];
  private waiting: ((value: T) => void) | undefined;

  push = (value: T): void => {
    const waiter = this.waiting;
    if (waiter !== undefined) {
      this.waiting = undefined;
      waiter(value);
    } else {
      this.buffered.push(value);
    }
  };

  /** The next value, waiting up to `timeoutMs` for it to arrive. */
  next(timeoutMs = 5_000): Promise<T> {
    if (this.buffered.length > 0) return Promise.resolve(this.buffered.shift() as T);
    if (this.waiting !== undefined) throw new Error('MessageQueue.next() is already waiting');
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`No message arrived within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
    });
  }

  /** Values that arrived and were not taken yet. */
  pending(): readonly T[] {
    return this.buffered;
  }
}
