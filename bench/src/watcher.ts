import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** One count a watcher was pushed, and when (performance.now()). */
export interface Push {
  count: number;
  at: number;
}

/** A mobile app watching one petition's count over its own WebSocket. */
export class Watcher {
  readonly pushes: Push[] = [];
  private readonly client: Client;
  private firstPush: Promise<void>;

  constructor(gatewayUrl: string, petitionId: string) {
    this.client = createClient({ url: gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    this.firstPush = new Promise((resolve, reject) => {
      this.client.subscribe<{ signatureCountChanged: { signatureCount: number } }>(
        {
          query: 'subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }',
          variables: { id: petitionId },
        },
        {
          next: (result) => {
            const count = result.data?.signatureCountChanged.signatureCount;
            if (count === undefined) return reject(new Error(`watch failed: ${JSON.stringify(result.errors)}`));
            this.pushes.push({ count, at: performance.now() });
            resolve();
          },
          error: reject,
          complete: () => {},
        },
      );
    });
  }

  /** Resolves once the first count (the one at subscription time) arrived. */
  ready(): Promise<void> {
    return this.firstPush;
  }

  last(): number | undefined {
    return this.pushes.at(-1)?.count;
  }

  /** When this watcher first saw a count of at least `count`. */
  sawAtLeast(count: number): number | undefined {
    return this.pushes.find((push) => push.count >= count)?.at;
  }

  /** Whether every push was at least the one before. */
  monotonic(): boolean {
    return this.pushes.every((push, index) => index === 0 || push.count >= (this.pushes[index - 1] as Push).count);
  }

  close(): Promise<void> {
    return this.client.dispose() as Promise<void>;
  }
}
