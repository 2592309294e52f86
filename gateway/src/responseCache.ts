// The gateway's response cache: public answers to anonymous GET requests (the open list, the
// most signed, products), kept for as long as the subgraphs' cache hints allow (a second
// for counts and stock). A hit is answered straight from the HTTP server, before express,
// tracing or Apollo touch the request: many clients polling the same list then cost one
// execution per second and a few microseconds each.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';

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
function cacheableRequest(method: string, headers: Record<string, string | string[] | undefined>): boolean {
  return (
    method === 'GET' &&
    headers['authorization'] === undefined &&
    (headers['apollo-require-preflight'] !== undefined || headers['x-apollo-operation-name'] !== undefined)
  );
}

export interface ResponseCache {
  /** The answer kept for this request, if it may be answered from the cache and one is fresh. */
  hit(req: IncomingMessage): CachedAnswer | undefined;
  /** Sends a kept answer, with its age. */
  send(res: ServerResponse, answer: CachedAnswer): void;
  /**
   * On /graphql after the guards: misses go on to Apollo and public answers are kept;
   * concurrent misses for one URL wait for the first instead of executing again.
   */
  keepAnswers: RequestHandler;
  /** Answers kept now and the bytes they hold (never above maxBytes). */
  usage(): { entries: number; bytes: number };
}

/**
 * A body in memory of its own, so that its bytes are what keeping it costs: a small Buffer is
 * often a slice of one of Node's shared 8 KiB slabs, which keeping the slice would pin.
 */
function ownedCopy(body: Buffer): Buffer {
  if (body.byteOffset === 0 && body.buffer.byteLength === body.length) return body;
  const copy = Buffer.allocUnsafeSlow(body.length);
  body.copy(copy);
  return copy;
}

/** The answer depends on the operation and variables (the URL) and on the format asked for. */
function keyOf(req: IncomingMessage, url: string | undefined): string {
  return `${req.headers.accept ?? ''} ${url ?? ''}`;
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const now = options.now ?? Date.now;
  const answers = new Map<string, CachedAnswer>();
  let keptBytes = 0;
  let nextSweepAt = 0;
  /** Misses being executed now, by key: others asking the same wait for it instead of executing again. */
  const inFlight = new Map<string, Promise<void>>();

  const cacheable = (req: IncomingMessage) => options.maxEntries > 0 && cacheableRequest(req.method ?? '', req.headers);

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

  function send(res: ServerResponse, answer: CachedAnswer): void {
    res.writeHead(200, {
      'content-type': answer.contentType,
      'cache-control': answer.cacheControl,
      age: String(Math.floor((now() - answer.storedAt) / 1000)),
    });
    res.end(answer.body);
  }

  /** Lets the miss through to Apollo and keeps its answer if Apollo called it public. */
  function executeAndKeep(key: string, res: Response, next: () => void): void {
    let finished!: () => void;
    const execution = new Promise<void>((resolve) => (finished = resolve));
    inFlight.set(key, execution);
    let streamed = false;
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    res.write = ((...args: Parameters<Response['write']>) => {
      streamed = true;
      return write(...args);
    }) as Response['write'];
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      const maxAge = publicMaxAge(res.getHeader('cache-control') as string | undefined);
      const body = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : undefined;
      if (
        !streamed &&
        res.statusCode === 200 &&
        maxAge > 0 &&
        body !== undefined &&
        body.length <= options.maxBodyBytes
      ) {
        const storedAt = now();
        const contentType = String(res.getHeader('content-type') ?? 'application/json');
        const cacheControl = String(res.getHeader('cache-control'));
        keep(key, {
          contentType,
          cacheControl,
          body: ownedCopy(body),
          storedAt,
          refreshAt: storedAt + maxAge * 500,
          expiresAt: storedAt + maxAge * 1000,
          // Strings count twice: a key may hold characters that take two bytes each.
          bytes: body.length + 2 * (key.length + contentType.length + cacheControl.length) + ENTRY_OVERHEAD_BYTES,
        });
      }
      return (end as (...args: unknown[]) => Response)(chunk, ...rest);
    }) as Response['end'];
    res.once('close', () => {
      // Another miss for this key may have begun since (this answer was not kept): leave its entry.
      if (inFlight.get(key) === execution) inFlight.delete(key);
      finished();
    });
    next();
  }

  return {
    hit(req) {
      if (!cacheable(req)) return undefined;
      const key = keyOf(req, req.url);
      const answer = lookUp(key);
      if (answer === undefined) return undefined;
      // Past half its life, the first request goes on to execute and replace it while the
      // rest are still answered from it: nobody waits for a refresh, and no answer is older
      // than the hints allow.
      if (answer.refreshAt <= now() && !inFlight.has(key)) return undefined;
      options.record('hit');
      return answer;
    },
    send,
    usage: () => ({ entries: answers.size, bytes: keptBytes }),
    keepAnswers: async (req, res, next) => {
      if (!cacheable(req)) {
        next();
        return;
      }
      const key = keyOf(req, req.originalUrl);
      const pending = inFlight.get(key);
      if (pending !== undefined) {
        await pending;
        const answer = lookUp(key);
        if (answer !== undefined) {
          options.record('hit');
          send(res, answer);
          return;
        }
      }
      options.record('miss');
      executeAndKeep(key, res, next);
    },
  };
}
