/**
 * Watches petitions' signature counts the way a mobile app should: one WebSocket (graphql-ws)
 * with the session token in `connection_init`, reconnecting after any drop with exponential
 * backoff and jitter (so a gateway restart is not met by every phone at once), and
 * re-reading the counts over HTTP on every reconnect, since pushes sent while the socket was
 * down are lost. Counts only ever go up on screen: a late push never undoes a newer count.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { DEFAULT_BACKOFF, SESSION_REFUSED, closeCodeOf, retryDelayMs, type Backoff } from './reconnecting.js';

/** `failed`: the gateway refused the connection for good (a bad token, say); nothing is retried. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'failed';

export interface WatchView {
  connection: ConnectionState;
  /** Reconnection attempts since the connection was last live. */
  attempt: number;
  /** How long until the next attempt, while reconnecting. */
  retryInMs: number | undefined;
  /** The latest known count of each watched petition (undefined until the first is known). */
  counts: ReadonlyMap<string, number | undefined>;
  /** The last problem, in words, until the connection is live again. */
  problem: string | undefined;
}

export interface PetitionWatcherOptions {
  /** The gateway's GraphQL URL (http…); the WebSocket goes to the same path. */
  gatewayUrl: string;
  /** A session token, when the app is signed in. */
  token?: string | undefined;
  petitionIds: readonly string[];
  /** Called on every change of a count or of the connection. */
  onChange(view: WatchView): void;
  backoff?: Backoff;
  /** Source of randomness for the jitter (tests pass their own). */
  random?: () => number;
}

export interface PetitionWatcher {
  /** The current view (the same as the last onChange got). */
  view(): WatchView;
  stop(): Promise<void>;
}

const COUNT_CHANGED = `subscription CountChanged($petitionId: ID!) {
  signatureCountChanged(petitionId: $petitionId) { petitionId signatureCount }
}`;

const CURRENT_COUNT = `query CurrentCount($id: ID!) { petition(id: $id) { signatureCount } }`;

export function watchPetitions(options: PetitionWatcherOptions): PetitionWatcher {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;
  const counts = new Map<string, number | undefined>(options.petitionIds.map((id) => [id, undefined]));
  let state: Omit<WatchView, 'counts'> = {
    connection: 'connecting',
    attempt: 0,
    retryInMs: undefined,
    problem: undefined,
  };
  let stopped = false;

  const view = (): WatchView => ({ ...state, counts: new Map(counts) });
  const changed = () => options.onChange(view());
  const setState = (next: Partial<Omit<WatchView, 'counts'>>) => {
    state = { ...state, ...next };
    changed();
  };

  /** Keeps the higher count: pushes and reads can arrive out of order. */
  function learn(petitionId: string, count: number): void {
    const known = counts.get(petitionId);
    if (known !== undefined && known >= count) return;
    counts.set(petitionId, count);
    changed();
  }

  const authorization = options.token === undefined ? undefined : `Bearer ${options.token}`;

  /** The counts as they are now, over HTTP: what was pushed while the socket was down is lost. */
  async function resynchronise(): Promise<void> {
    await Promise.all(
      options.petitionIds.map(async (id) => {
        const response = await fetch(options.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
          body: JSON.stringify({ query: CURRENT_COUNT, variables: { id } }),
        });
        const body = (await response.json()) as { data?: { petition: { signatureCount: number } | null } };
        const count = body.data?.petition?.signatureCount;
        if (count !== undefined) learn(id, count);
      }),
    );
  }

  const client = createClient({
    url: options.gatewayUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: () => (authorization === undefined ? {} : { authorization }),
    lazy: false,
    // Retry for as long as the app watches, whatever closed the socket.
    retryAttempts: Number.MAX_SAFE_INTEGER,
    // A refused token cannot be helped by trying again: the watch fails, saying so.
    shouldRetry: (event) => !stopped && closeCodeOf(event) !== SESSION_REFUSED,
    retryWait: async (retries) => {
      const waitMs = retryDelayMs(retries, backoff, random);
      setState({ connection: 'reconnecting', attempt: retries + 1, retryInMs: waitMs });
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    },
    on: {
      connected: (_socket, _payload, wasRetry) => {
        setState({ connection: 'live', attempt: 0, retryInMs: undefined, problem: undefined });
        // The subscriptions resume on this connection; the read covers what they missed.
        if (wasRetry) resynchronise().catch((error: unknown) => setState({ problem: describe(error) }));
      },
      // What went wrong is shown until the next connection; retryWait shows the wait.
      closed: (event) => {
        if (!stopped) setState({ problem: describe(event) });
      },
      error: (error) => setState({ problem: describe(error) }),
    },
  });

  const unsubscribes = options.petitionIds.map((petitionId) =>
    client.subscribe<{ signatureCountChanged: { petitionId: string; signatureCount: number } }>(
      { query: COUNT_CHANGED, variables: { petitionId } },
      {
        next: (result) => {
          const update = result.data?.signatureCountChanged;
          if (update !== undefined) learn(update.petitionId, update.signatureCount);
          else if (result.errors !== undefined) setState({ problem: result.errors.map((e) => e.message).join('; ') });
        },
        error: (error) =>
          // GraphQL errors end this one watch (an unknown petition); anything else means the
          // client gave up on the connection (graphql-ws retries every other failure).
          setState(
            Array.isArray(error) ? { problem: describe(error) } : { connection: 'failed', problem: describe(error) },
          ),
        complete: () => {},
      },
    ),
  );

  return {
    view,
    async stop() {
      stopped = true;
      for (const unsubscribe of unsubscribes) unsubscribe();
      await client.dispose();
    },
  };
}

/** A failure in words: an Error's or a WebSocket error event's message, a close code, GraphQL errors. */
function describe(error: unknown): string {
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message ?? String(e)).join('; ');
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  if (typeof code === 'number') return `the connection closed (${code})`;
  return 'the connection failed';
}
