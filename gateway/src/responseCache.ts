// The gateway's response cache: public answers to anonymous GET requests (the open list, the
// most signed, products), kept for as long as the subgraphs' cache hints allow (a second
// for counts and stock). A hit is answered by the edge before tracing, the body or Apollo
// touch the request: many clients polling the same list then cost one execution per second
// and a few microseconds each.
import type { EdgeRequest, EdgeResponse } from '@agora/service';

export interface ResponseCacheOptions {
  /** Answers kept at most (oldest dropped first); 0 turns the cache off. */
  maxEntries: number;
  /** Bytes the kept answers may hold together, bodies, keys and headers (oldest dropped first). */
  maxBytes: number;
  /** Answers larger than this are not kept. */
  maxBodyBytes: number;
  /** Counts hits and misses. */
  record(outcome: 'hit' | 'miss'): void;
  /** The clock, in milliseconds (tests set their own); Date.now by default. */
  now?: () => number;
}

export interface CachedAnswer {
  contentType: string;
  cacheControl: string;
  body: Buffer;
  storedAt: number;
  /** From here on one request refreshes it while the others are still answered from it. */
  refreshAt: number;
  expiresAt: number;
  /** What keeping it costs: body, key and headers, and the entry itself. */
  bytes: number;
}

/** About what a Map entry and its answer object hold besides the strings and the body. */
const ENTRY_OVERHEAD_BYTES = 300;

/**
 * Only what any cache could keep: Apollo computed `public, max-age=N` from every subgraph's
 * hints (PRIVATE anywhere, or any field without a hint, and it says otherwise).
 */
function publicMaxAge(cacheControl: string | undefined): number {
  if (cacheControl === undefined || !/\bpublic\b/.test(cacheControl)) return 0;
  const maxAge = /\bmax-age=(\d+)\b/.exec(cacheControl)?.[1];
  return maxAge === undefined ? 0 : Number(maxAge);
}

/**
 * Which requests may be answered from the cache: anonymous GETs that pass Apollo's CSRF
 * prevention (a preflight header), so that a refused request is never answered from here.
 */
function cacheableRequest({ method, headers }: EdgeRequest): boolean {
  return (
    method === 'GET' &&
    headers['authorization'] === undefined &&
    (headers['apollo-require-preflight'] !== undefined || headers['x-apollo-operation-name'] !== undefined)
  );
}

export interface ResponseCache {
  /** The answer kept for this request, if it may be answered from the cache and one is fresh. */
  hit(request: EdgeRequest): EdgeResponse | undefined;
  /**
   * Runs `execute` for a miss and keeps its answer if Apollo called it public; concurrent
   * misses for one URL wait for the first instead of executing again.
   */
  through(request: EdgeRequest, execute: () => Promise<EdgeResponse>): Promise<EdgeResponse>;
  /** Answers kept now and the bytes they hold (never above maxBytes). */
  usage(): { entries: number; bytes: number };
}

/**
 * A body in memory of its own, so that its bytes are what keeping it costs: a small Buffer is
 * often a slice of one of Node's shared 8 KiB slabs, which keeping the slice would pin.
 */
function ownedCopy(body: string | Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  if (typeof body === 'string') copy.write(body);
  else body.copy(copy);
  return copy;
}

/** The answer depends on the operation and variables (the URL) and on the format asked for. */
function keyOf(request: EdgeRequest): string {
  return `${request.headers.accept ?? ''} ${request.path}${request.search}`;
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const now = options.now ?? Date.now;
  const answers = new Map<string, CachedAnswer>();
  let keptBytes = 0;
  let nextSweepAt = 0;
  /** Misses being executed now, by key: others asking the same wait for it instead of executing again. */
  const inFlight = new Map<string, Promise<void>>();

  const cacheable = (request: EdgeRequest) => options.maxEntries > 0 && cacheableRequest(request);

  function lookUp(key: string): CachedAnswer | undefined {
    const answer = answers.get(key);
    if (answer === undefined) return undefined;
    if (answer.expiresAt > now()) return answer;
    drop(key);
    return undefined;
  }

  function drop(key: string): void {
    const answer = answers.get(key);
    if (answer === undefined) return;
    answers.delete(key);
    keptBytes -= answer.bytes;
  }

  /** Drops every answer past its max-age (at most once a second): they would only take room. */
  function sweep(): void {
    const at = now();
    if (at < nextSweepAt) return;
    nextSweepAt = at + 1_000;
    for (const [key, answer] of answers) if (answer.expiresAt <= at) drop(key);
  }

  function keep(key: string, answer: CachedAnswer): void {
    drop(key);
    sweep();
    if (answer.bytes > options.maxBytes) return;
    answers.set(key, answer);
    keptBytes += answer.bytes;
    for (const oldest of answers.keys()) {
      if (answers.size <= options.maxEntries && keptBytes <= options.maxBytes) break;
      drop(oldest);
    }
  }

  /** A kept answer as sent, with its age. */
  function responseOf(answer: CachedAnswer): EdgeResponse {
    return {
      status: 200,
      headers: {
        'content-type': answer.contentType,
        'cache-control': answer.cacheControl,
        age: String(Math.floor((now() - answer.storedAt) / 1000)),
      },
      body: answer.body,
    };
  }

  /** Keeps Apollo's answer if it is a public 200 small enough. */
  function keepIfPublic(key: string, response: EdgeResponse): void {
    const cacheControl = response.headers['cache-control'];
    const maxAge = publicMaxAge(cacheControl);
    if (response.status !== 200 || maxAge === 0 || cacheControl === undefined) return;
    const bodyBytes = typeof response.body === 'string' ? Buffer.byteLength(response.body) : response.body.length;
    if (bodyBytes > options.maxBodyBytes) return;
    const body = ownedCopy(response.body);
    const storedAt = now();
    const contentType = response.headers['content-type'] ?? 'application/json';
    keep(key, {
      contentType,
      cacheControl,
      body,
      storedAt,
      refreshAt: storedAt + maxAge * 500,
      expiresAt: storedAt + maxAge * 1000,
      // Strings count twice: a key may hold characters that take two bytes each.
      bytes: body.length + 2 * (key.length + contentType.length + cacheControl.length) + ENTRY_OVERHEAD_BYTES,
    });
  }

  /** Executes a miss; requests for the same key meanwhile wait for it (see `through`). */
  async function executeAndKeep(key: string, execute: () => Promise<EdgeResponse>): Promise<EdgeResponse> {
    let finished!: () => void;
    const execution = new Promise<void>((resolve) => (finished = resolve));
    inFlight.set(key, execution);
    try {
      const response = await execute();
      keepIfPublic(key, response);
      return response;
    } finally {
      // Another miss for this key may have begun since (this answer was not kept): leave its entry.
      if (inFlight.get(key) === execution) inFlight.delete(key);
      finished();
    }
  }

  return {
    hit(request) {
      if (!cacheable(request)) return undefined;
      const key = keyOf(request);
      const answer = lookUp(key);
      if (answer === undefined) return undefined;
      // Past half its life, the first request goes on to execute and replace it while the
      // rest are still answered from it: nobody waits for a refresh, and no answer is older
      // than the hints allow.
      if (answer.refreshAt <= now() && !inFlight.has(key)) return undefined;
      options.record('hit');
      return responseOf(answer);
    },
    usage: () => ({ entries: answers.size, bytes: keptBytes }),
    async through(request, execute) {
      if (!cacheable(request)) return execute();
      const key = keyOf(request);
      const pending = inFlight.get(key);
      if (pending !== undefined) {
        await pending;
        const answer = lookUp(key);
        if (answer !== undefined) {
          options.record('hit');
          return responseOf(answer);
        }
      }
      options.record('miss');
      return executeAndKeep(key, execute);
    },
  };
}
