export interface BatcherOptions<Item, Result> {
  /** Most items in one batch. */
  maxBatch: number;
  /** Runs one batch; answers one result per item, in the same order. */
  run(items: Item[]): Promise<Result[]>;
}

/**
 * Group commit: items submitted while a batch runs wait and go together in the next one, so
 * a burst costs a few round trips instead of one per item, while a lone item goes at once.
 * One batch runs at a time per batcher.
 */
export function createBatcher<Item, Result>(options: BatcherOptions<Item, Result>) {
  interface Waiting {
    item: Item;
    resolve(result: Result): void;
    reject(error: unknown): void;
  }
  let queue: Waiting[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, options.maxBatch);
      queue = queue.slice(batch.length);
      try {
        const results = await options.run(batch.map((waiting) => waiting.item));
        batch.forEach((waiting, index) => waiting.resolve(results[index] as Result));
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    running = false;
  }

  return {
    submit(item: Item): Promise<Result> {
      return new Promise<Result>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!running) void drain();
      });
    },
  };
}

export type Batcher<Item, Result> = ReturnType<typeof createBatcher<Item, Result>>;
