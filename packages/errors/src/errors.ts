import { GraphQLError } from 'graphql';
import { ErrorCode } from './errorCode.js';

/**
 * Base of every error Agora raises on purpose; carries its code in `extensions.code`.
 *
 * An error never sets the HTTP status by itself: a subgraph answering 401 or 503 would make
 * the gateway treat the whole subgraph response as a failed fetch. Only the gateway's own
 * edge (a bad token, a refused request) gives a status, with `withHttpStatus`.
 */
export class AgoraError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.code = code;
    this.name = 'AgoraError';
  }
}

/** The same error, answered with this HTTP status (and headers) when it ends the request. */
export function withHttpStatus<T extends AgoraError>(error: T, status: number, headers?: Record<string, string>): T {
  const http = { status, ...(headers === undefined ? {} : { headers: new Map(Object.entries(headers)) }) };
  Object.assign(error.extensions, { http });
  return error;
}

export class UnauthenticatedError extends AgoraError {
  constructor(message = 'You must be logged in to do this.') {
    super(ErrorCode.Unauthenticated, message);
  }
}

export class ForbiddenError extends AgoraError {
  constructor(message: string) {
    super(ErrorCode.Forbidden, message);
  }
}

export class BadUserInputError extends AgoraError {
  constructor(message: string, field?: string) {
    super(ErrorCode.BadUserInput, message, field === undefined ? {} : { field });
  }
}

export class NotFoundError extends AgoraError {
  constructor(message: string) {
    super(ErrorCode.NotFound, message);
  }
}

export class NotImplementedError extends AgoraError {
  constructor(feature: string) {
    super(ErrorCode.NotImplemented, `${feature} is not implemented yet.`);
  }
}

export class RateLimitedError extends AgoraError {
  constructor(message: string, retryAfterSeconds: number) {
    super(ErrorCode.RateLimited, message, { retryAfter: retryAfterSeconds });
  }
}

export class ServiceUnavailableError extends AgoraError {
  constructor(message: string) {
    super(ErrorCode.ServiceUnavailable, message);
  }
}

/** Closes an exhaustive `switch`: the compiler rejects any case left unhandled. */
export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`Unreachable case: ${JSON.stringify(value)}`);
    this.name = 'UnreachableCaseError';
  }
}

/** Asserts a condition that only a programming error can break. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(`Invariant violation: ${message}`);
  }
}

/**
 * Whether an error is a deadline passing (AbortSignal.timeout). Checked by name, not by
 * class: the DOMException may come from another realm (under a test runner's VM, say).
 */
export function isTimeoutError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError';
}
