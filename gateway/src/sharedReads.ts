// Identical reads in flight at once are sent to a subgraph once. When many clients ask for the
// same list at the same moment (the most signed petitions), the subgraph executes it once and
// every caller gets the same answer, as Hive Gateway and Apollo's router do by default
// (their "deduplicated inflight requests"). Each caller still parses its own copy: Apollo's
// executor merges a subgraph's data into its result in place.
import type { IncomingHttpHeaders } from 'node:http';

/** A subgraph's answer, read whole, as several callers can share it. */
export interface WholeAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SharedReads {
  /** The answer of the same read already in flight under `key`, else `send`'s. */
  share(key: string, send: () => Promise<WholeAnswer>): Promise<WholeAnswer>;
}

/** `onShared` counts the reads answered by another's call. */
export function createSharedReads(onShared: () => void): SharedReads {
  // Bounded by the calls in flight: an entry goes as soon as its call ends.
  const inFlight = new Map<string, Promise<WholeAnswer>>();
  return {
    share(key, send) {
      const pending = inFlight.get(key);
      if (pending !== undefined) {
        onShared();
        return pending;
      }
      const answer = send();
      inFlight.set(key, answer);
      const forget = () => {
        if (inFlight.get(key) === answer) inFlight.delete(key);
      };
      answer.then(forget, forget);
      return answer;
    },
  };
}
