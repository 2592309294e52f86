import { ErrorCode } from '@agora/errors';
import { errorResponse, type EdgeResponse } from '../http/edgeResponse.js';
import type { FunctionRequest } from './functionEdge.js';

/**
 * The fields a subgraph reads from an AWS Lambda HTTP event: API Gateway HTTP API (payload
 * format 2.0) or a function URL, which share that format.
 */
export interface LambdaHttpEvent {
  rawPath: string;
  rawQueryString: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded: boolean;
  requestContext: { http: { method: string } };
}

/** The result Lambda turns into the HTTP response. */
export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

/** A Lambda handler for HTTP events (`function.lambda`). */
export type LambdaHandler = (event: LambdaHttpEvent) => Promise<LambdaHttpResult>;

/** Adapts the function edge to Lambda's HTTP event and result. */
export function createLambdaHandler(answer: (request: FunctionRequest) => Promise<EdgeResponse>): LambdaHandler {
  return async (event) => {
    const response = isHttpEvent(event)
      ? await answer(fromEvent(event))
      : errorResponse(
          400,
          ErrorCode.BadRequest,
          'This function answers HTTP events only (API Gateway payload 2.0 or a function URL).',
        );
    // Every answer a subgraph gives is JSON text.
    const body = typeof response.body === 'string' ? response.body : response.body.toString('utf8');
    return { statusCode: response.status, headers: response.headers, body, isBase64Encoded: false };
  };
}

function fromEvent(event: LambdaHttpEvent): FunctionRequest {
  const headers: Record<string, string> = {};
  // Lambda lower-cases header names already; an event built by hand may not have.
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    search: event.rawQueryString === '' ? '' : `?${event.rawQueryString}`,
    headers,
    body:
      event.body === undefined ? null : { bytes: Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') },
  };
}

/** Whatever invokes the function may send something else (a console test event, a scheduler's). */
function isHttpEvent(event: unknown): event is LambdaHttpEvent {
  if (typeof event !== 'object' || event === null) return false;
  const candidate = event as Partial<LambdaHttpEvent>;
  return (
    typeof candidate.rawPath === 'string' &&
    typeof candidate.rawQueryString === 'string' &&
    typeof candidate.requestContext?.http?.method === 'string' &&
    (candidate.body === undefined || typeof candidate.body === 'string')
  );
}
