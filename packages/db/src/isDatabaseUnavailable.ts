/**
 * Node's codes for a connection that could not be made or was lost: refused, reset, cut
 * mid-write, timed out, no route, or a name that does not resolve (yet, during a failover).
 */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL's SQLSTATEs for a server that is going or not there yet: 57P01 admin_shutdown
 * (a restart, a failover, `pg_terminate_backend`), 57P02 crash_shutdown, 57P03
 * cannot_connect_now (starting up or in recovery). Class 08 (connection exception) is
 * matched as a class.
 */
const SERVER_STATES = new Set(['57P01', '57P02', '57P03']);

/**
 * What node-postgres says, with no code, when a connection ends under it, cannot be made in
 * time, or was already lost when a statement was sent on it.
 */
const DRIVER_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Query read timeout',
];

/**
 * Whether an error means the database could not be reached or the connection to it was lost
 * (rather than a statement being refused): the one place these failures are recognised, so
 * that a service answers them as retryable (SERVICE_UNAVAILABLE). Follows `cause` and an
 * AggregateError's `errors` (one refusal per address of a host).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return isUnavailableAt(error, 0);
}

function isUnavailableAt(error: unknown, depth: number): boolean {
  // A bound on the walk: a cause chain may loop.
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SERVER_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) {
    return true;
  }
  if (typeof message === 'string' && DRIVER_MESSAGES.some((known) => message.startsWith(known))) return true;
  if (Array.isArray(errors) && errors.some((each) => isUnavailableAt(each, depth + 1))) return true;
  return isUnavailableAt(cause, depth + 1);
}
