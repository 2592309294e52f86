import type { IncomingHttpHeaders } from 'node:http';
import { INTERNAL_HEADERS } from './identity.js';

/**
 * The most a subgraph works on one request, whatever its caller says (a request that names no
 * deadline, or a longer one, gets this): above the gateway's own default of 10 s.
 */
export const MAX_REQUEST_DEADLINE_MS = 60_000;

/**
 * What a callee keeps back from its caller's deadline for the answer to reach the caller (the
 * response written, read and parsed on its way back), so that the caller hears it before its
 * own timer fires.
 */
export const ANSWER_MARGIN_MS = 200;

/** A header value of whole milliseconds, nothing else (no sign, no exponent, no fraction). */
const WHOLE_MS = /^\d{1,9}$/;

/**
 * When this request must be answered by, on the `Date.now()` clock: what the caller said it
 * still waits (`x-agora-deadline-ms`, relative, so no two clocks need agree), less
 * `ANSWER_MARGIN_MS`, and never more than `maxMs` from now. A missing or malformed value is
 * the service's own maximum: a caller can only ever shorten the work, never lengthen it.
 */
export function readDeadline(
  headers: IncomingHttpHeaders,
  maxMs: number = MAX_REQUEST_DEADLINE_MS,
  now: number = Date.now(),
): number {
  const given = headers[INTERNAL_HEADERS.deadlineMs];
  if (typeof given !== 'string' || !WHOLE_MS.test(given)) return now + maxMs;
  return now + Math.max(0, Math.min(maxMs, Number(given) - ANSWER_MARGIN_MS));
}

/** Whole milliseconds left until `deadline` (epoch ms), 0 once it has passed. */
export function msLeft(deadline: number, now: number = Date.now()): number {
  return Math.max(0, Math.floor(deadline - now));
}

/** The header that tells a callee how long its caller still waits, `ms` from now. */
export function deadlineHeaders(ms: number): Record<string, string> {
  return { [INTERNAL_HEADERS.deadlineMs]: String(Math.max(0, Math.floor(ms))) };
}
