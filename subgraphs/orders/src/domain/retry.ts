import { ErrorCode, ServiceUnavailableError } from '@agora/errors';
import { ServiceCallError, type RequestOptions } from '@agora/service';
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
 * Runs an idempotent call to a peer until it answers, fails for good, or `deadline` (epoch
 * ms) passes, then throws its last error. The call gets the options to pass its client: no
 * retries of the client's own (these replace them) and, from the second attempt, the
 * deadline, which the client's attempts end by. The first attempt always runs, bounded by the call's own
 * timeout; a retry starts only if its backoff ends before the deadline.
 */
export async function retryUntil<T>(
  deadline: number,
  retry: CheckoutRetry,
  call: (options: RequestOptions) => Promise<T>,
): Promise<T> {
  let options: RequestOptions = { retry: false };
  for (let retryNumber = 1; ; retryNumber++) {
    try {
      return await call(options);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const wait = backoffMs(retry, retryNumber);
      if (Date.now() + wait >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
      // A busy event loop may have woken us late.
      const left = Math.floor(deadline - Date.now());
      if (left <= 0) throw error;
      options = { retry: false, deadline };
    }
  }
}
