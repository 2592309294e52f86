import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from './errorCode.js';

const PUBLIC_CODES = new Set<string>(Object.values(ErrorCode).filter((code) => code !== ErrorCode.InternalServerError));

/** Codes Apollo Server itself gives for a malformed request; safe and useful to show. */
const REQUEST_CODES = new Set<string>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export const MASKED_MESSAGE = 'Internal server error';

/**
 * The error a client may see. In production an error whose code is not one we raised
 * on purpose (a bug, a driver error, a gateway fetch failure naming an internal URL)
 * becomes a bare INTERNAL_SERVER_ERROR; in every mode the stack trace never leaves.
 */
export function maskError(formatted: GraphQLFormattedError, options: { production: boolean }): GraphQLFormattedError {
  // `response` is what the gateway attaches when a subgraph answers non-2xx: its URL and body.
  const { stacktrace: _stack, exception: _exception, response: _response, ...extensions } = formatted.extensions ?? {};
  const code = typeof extensions['code'] === 'string' ? extensions['code'] : undefined;
  const known = code !== undefined && (PUBLIC_CODES.has(code) || REQUEST_CODES.has(code));
  if (options.production && !known) {
    return { message: MASKED_MESSAGE, extensions: { code: ErrorCode.InternalServerError } };
  }
  // The gateway names the subgraph an error came from; useful in development only.
  if (options.production) delete extensions['serviceName'];
  return { ...formatted, extensions: { ...extensions, code: code ?? ErrorCode.InternalServerError } };
}
