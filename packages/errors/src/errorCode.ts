/**
 * Every code a client may find in a GraphQL error's `extensions.code`.
 *
 * Business outcomes a client branches on (email taken, insufficient stock, …) are
 * not here: they are union members implementing `ErrorResult` in the schema.
 */
export enum ErrorCode {
  /** No valid identity: missing, malformed, expired or revoked token. */
  Unauthenticated = 'UNAUTHENTICATED',
  /** An identity, but not one allowed to see or change this. */
  Forbidden = 'FORBIDDEN',
  /** The HTTP request itself is unusable: not JSON, too large, batched, a possible CSRF (Apollo's code). */
  BadRequest = 'BAD_REQUEST',
  /** The request is well-formed GraphQL but an argument is unusable. */
  BadUserInput = 'BAD_USER_INPUT',
  /** The addressed thing does not exist (where the API has no typed result for it). */
  NotFound = 'NOT_FOUND',
  /** Part of the schema whose behaviour has not shipped yet. */
  NotImplemented = 'NOT_IMPLEMENTED',
  /** Too many requests; `extensions.retryAfter` says when to try again (seconds). */
  RateLimited = 'RATE_LIMITED',
  /** A service this request depends on did not answer in time. */
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  /** A bug or an unexpected failure; masked in production. */
  InternalServerError = 'INTERNAL_SERVER_ERROR',
}
