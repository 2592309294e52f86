import type { ExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { MessageQueue } from './messageQueue.js';

/** What one subscription delivered: results in order, and how it ended. */
export interface TestSubscription {
  results: MessageQueue<ExecutionResult>;
  /** Resolves when the server completes the subscription, with the error if it failed. */
  ended: Promise<unknown>;
  unsubscribe(): void;
}

export interface TestSubscriber {
  subscribe(query: string, variables?: Record<string, unknown>, operationName?: string): TestSubscription;
  /** Resolves with the close code if the server closes the socket (a refused token: 4403). */
  closed: Promise<number>;
  dispose(): Promise<void>;
}

/**
 * A graphql-ws client for tests: every result is queued, so a test takes them in order and
 * waits for the next with a deadline instead of sleeping.
 */
export function createTestSubscriber(httpUrl: string, connectionParams: Record<string, unknown> = {}): TestSubscriber {
  let onClosed: (code: number) => void = () => {};
  const closed = new Promise<number>((resolve) => (onClosed = resolve));
  const client: Client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    on: { closed: (event) => onClosed((event as { code: number }).code) },
  });
  return {
    subscribe(query, variables = {}, operationName) {
      const results = new MessageQueue<ExecutionResult>();
      let unsubscribe: () => void = () => {};
      const ended = new Promise<unknown>((resolve) => {
        unsubscribe = client.subscribe(
          { query, variables, ...(operationName === undefined ? {} : { operationName }) },
          {
            next: (result) => results.push(result as ExecutionResult),
            error: resolve,
            complete: () => resolve(undefined),
          },
        );
      });
      return { results, ended, unsubscribe };
    },
    closed,
    dispose: () => client.dispose() as Promise<void>,
  };
}
