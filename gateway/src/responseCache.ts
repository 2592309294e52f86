// The gateway's response cache: public answers to anonymous GET requests (the open list, the
// most signed, products), kept for as long as the subgraphs' cache hints allow (a second
// for counts and stock) and served before Apollo parses anything. Many clients polling the
// same list then cost one execution per second instead of one each.
import type { RequestHandler, Response } from 'express';

export interface ResponseCacheOptions {
  /** Answers kept at most (oldest dropped first); 0 turns the cache off. */
  maxEntries: number;
  /** Answers larger than this are not kept. */
  maxBodyBytes: number;
  /** Counts hits and misses. */
  record(outcome: 'hit' | 'miss'): void;
}

interface CachedAnswer {
  contentType: string;
  cacheControl: string;
  body: Buffer;
  storedAt: number;
  expiresAt: number;
}

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

export function createResponseCache(options: ResponseCacheOptions): RequestHandler {
  const answers = new Map<string, CachedAnswer>();
  /** Misses being executed now, by key: others asking the same wait for it instead of executing again. */
  const inFlight = new Map<string, Promise<void>>();

  function lookUp(key: string): CachedAnswer | undefined {
    const answer = answers.get(key);
    if (answer === undefined) return undefined;
    if (answer.expiresAt > Date.now()) return answer;
    answers.delete(key);
    return undefined;
  }

  function keep(key: string, answer: CachedAnswer): void {
    answers.delete(key);
    answers.set(key, answer);
    if (answers.size > options.maxEntries) answers.delete(answers.keys().next().value as string);
  }

  function send(res: Response, answer: CachedAnswer): void {
    res.status(200);
    res.setHeader('content-type', answer.contentType);
    res.setHeader('cache-control', answer.cacheControl);
    res.setHeader('age', String(Math.floor((Date.now() - answer.storedAt) / 1000)));
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
        const now = Date.now();
        keep(key, {
          contentType: String(res.getHeader('content-type') ?? 'application/json'),
          cacheControl: String(res.getHeader('cache-control')),
          body,
          storedAt: now,
          expiresAt: now + maxAge * 1000,
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

  return async (req, res, next) => {
    if (options.maxEntries === 0 || !cacheableRequest(req.method, req.headers)) {
      next();
      return;
    }
    // The answer depends on the operation and variables (the URL) and on the format asked for.
    const key = `${req.headers.accept ?? ''} ${req.originalUrl}`;
    const cached = lookUp(key);
    if (cached !== undefined) {
      options.record('hit');
      send(res, cached);
      return;
    }
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
  };
}
