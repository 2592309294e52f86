import { ErrorCode, ServiceUnavailableError } from '@agora/errors';
import { ServiceCallError, ServiceNoAnswerError, type RequestOptions } from '@agora/service';
import type { CheckoutRetry } from '../config.js';

/**
 * Whether a failed call to a peer may succeed when asked again: it did not answer (refused,
 * reset, timed out, HTTP 5xx: the service client reports those as SERVICE_UNAVAILABLE), or it
 * answered that something it depends on is away. Definite answers (a decline, a shortage) are
 * data, never errors; an error of any other code is a bug that asking again does not fix.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ServiceUnavailableError) return true;
  return (
    error instanceof ServiceCallError &&
    error.codes.length > 0 &&
    error.codes.every((code) => code === ErrorCode.ServiceUnavailable)
  );
}

/** Full jitter: a random wait up to the initial backoff, doubled per retry, capped. */
function backoffMs(retry: CheckoutRetry, retryNumber: number): number {
  return Math.random() * Math.min(retry.maxBackoffMs, retry.initialBackoffMs * 2 ** (retryNumber - 1));
}

/**
 * Runs an idempotent call to a peer until it answers, fails for good, or `until` (epoch ms)
 * passes, then throws its last error. The call gets the options to pass its client: no
 * retries of the client's own (these replace them) and `requestDeadline`, the deadline of the
 * request it runs for, which no attempt may outlive (the client tells the peer what is left of
 * it and begins no attempt that could end past it). A retry starts only if its backoff ends
 * before `until`; each attempt is bounded by the client's own timeout too.
 */
export async function retryUntil<T>(
  until: number,
  requestDeadline: number,
  retry: CheckoutRetry,
  call: (options: RequestOptions) => Promise<T>,
): Promise<T> {
  const options: RequestOptions = { retry: false, deadline: requestDeadline };
  let lastFailure: unknown;
  for (let retryNumber = 1; ; retryNumber++) {
    try {
      return await call(options);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      // Too little is left to begin another attempt: the last one's failure is the answer.
      if (error instanceof ServiceNoAnswerError && error.reason === 'outOfTime') throw lastFailure ?? error;
      lastFailure = error;
      const wait = backoffMs(retry, retryNumber);
      if (Date.now() + wait >= Math.min(until, requestDeadline)) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
