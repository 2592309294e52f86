// A closed-loop HTTP load generator (what ApacheBench -c and Locust do): each connection
// sends its next request as soon as the last one is answered, over keep-alive sockets, until
// the request budget or the time budget runs out. Every answer is timed and checked.
import { Pool } from 'undici';
import type { Sample } from './samples.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path and query string, e.g. /graphql?extensions=… */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ClosedLoopOptions {
  /** Where requests go; only this machine (refused otherwise). */
  origin: string;
  connections: number;
  /** Stops after this long… */
  durationMs: number;
  /** …or after this many requests, whichever comes first. */
  maxRequests: number;
  /** The request to send as the n-th one. */
  request(n: number): HttpRequest;
  /** Whether an answer counts as a success (status and body both checked). */
  accept(status: number, body: string): boolean;
  /** Called about once a second with what has been answered so far. */
  onProgress?(answered: number, failed: number): void;
}

export function refuseRemote(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1' && host !== '[::1]') {
    throw new Error(`Benchmarks run against this machine only; ${host} is not it.`);
  }
}

/** Runs the load and returns one sample per answered request, in the order they ended. */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<Sample[]> {
  refuseRemote(options.origin);
  const pool = new Pool(options.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    // A straggler is a measurement, not a hang: give up on it only well past any SLO.
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
  const samples: Sample[] = [];
  const began = performance.now();
  const stopAt = began + options.durationMs;
  let sent = 0;
  let failed = 0;
  const progress = setInterval(() => options.onProgress?.(samples.length, failed), 1_000);

  async function connectionLoop(): Promise<void> {
    while (sent < options.maxRequests && performance.now() < stopAt) {
      const spec = options.request(sent++);
      const start = performance.now();
      let ok = false;
      try {
        const response = await pool.request({
          method: spec.method,
          path: spec.path,
          headers: spec.headers,
          ...(spec.body === undefined ? {} : { body: spec.body }),
        });
        ok = options.accept(response.statusCode, await response.body.text());
      } catch {
        ok = false;
      }
      const end = performance.now();
      if (!ok) failed++;
      samples.push({ at: end - began, ms: end - start, ok });
    }
  }

  try {
    await Promise.all(Array.from({ length: options.connections }, connectionLoop));
  } finally {
    clearInterval(progress);
    await pool.close();
  }
  return samples;
}
