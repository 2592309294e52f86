// What every Agora client that keeps a WebSocket open needs when it drops: how long to wait
// before the next try, and whether trying again can help at all. No dependencies, so the
// Node watcher (petitionWatcher.ts) and the web app (web/src/apollo.ts) share it.

export interface Backoff {
  /** The first retry waits up to this long… */
  initialMs: number;
  /** …each next one up to twice as long, never more than this. */
  maxMs: number;
}

/** Up to 0.5 s, 1 s, 2 s, … and never more than 30 s between tries. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000 };

/** "Full jitter": a random wait up to the exponential bound, so clients spread out. */
export function retryDelayMs(attempt: number, backoff: Backoff, random: () => number): number {
  const bound = Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt);
  return Math.floor(random() * bound);
}

/** The gateway refused the session itself (expired, logged out elsewhere): retrying cannot help. */
export const SESSION_REFUSED = 4403;

/** The close code of a WebSocket close event, if `event` is one. */
export function closeCodeOf(event: unknown): number | undefined {
  const code = (event as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
