import { ErrorCode } from '@agora/errors';

/**
 * An answer of the HTTP edge, whole: Node's server writes it, a function returns it. Header
 * names are lower case.
 */
export interface EdgeResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /** End the connection after this answer (a request whose body is left unread). */
  closeConnection?: boolean;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): EdgeResponse {
  return { status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(value) };
}

/**
 * A refusal in GraphQL's error format, whatever refused: every client reads one shape, with a
 * code from ErrorCode, whether Apollo ran or the edge answered first.
 */
export function errorResponse(
  status: number,
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): EdgeResponse {
  return jsonResponse(status, { errors: [{ message, extensions: { code, ...extensions } }] }, headers);
}

/** `response` with more headers; a `vary` both name is kept whole (the cache key needs each part). */
export function withHeaders(response: EdgeResponse, headers: Record<string, string>): EdgeResponse {
  const merged = { ...response.headers, ...headers };
  const vary = [response.headers['vary'], headers['vary']].filter((value) => value !== undefined);
  if (vary.length > 1) merged['vary'] = vary.join(', ');
  return { ...response, headers: merged };
}

export function notFoundResponse(): EdgeResponse {
  return errorResponse(404, ErrorCode.NotFound, 'Not found: GraphQL is served at /graphql.');
}
