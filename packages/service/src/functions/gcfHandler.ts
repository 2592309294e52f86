import type { IncomingHttpHeaders } from 'node:http';
import type { EdgeResponse } from '../http/edgeResponse.js';
import type { EdgeBody } from '../http/requestBody.js';
import type { FunctionRequest } from './functionEdge.js';

/**
 * What Google Cloud Functions passes to an HTTP function, as far as a subgraph reads it: the
 * Functions Framework's (express) request, whose body it has already read, keeping the bytes
 * in `rawBody`.
 */
export interface GcfRequest {
  method: string;
  path: string;
  originalUrl: string;
  headers: IncomingHttpHeaders;
  rawBody?: Buffer;
  body?: unknown;
}

/** The part of the Functions Framework's (express) response a subgraph writes to. */
export interface GcfResponse {
  status(code: number): GcfResponse;
  set(headers: Record<string, string>): GcfResponse;
  send(body: string | Buffer): unknown;
}

/** An HTTP function for Google Cloud Functions (`--entry-point gcf`). */
export type GcfHandler = (req: GcfRequest, res: GcfResponse) => Promise<void>;

/** Adapts the function edge to the Functions Framework's `(req, res)`. */
export function createGcfHandler(answer: (request: FunctionRequest) => Promise<EdgeResponse>): GcfHandler {
  return async (req, res) => {
    const response = await answer({
      method: req.method,
      path: req.path,
      search: new URL(req.originalUrl, 'http://function.invalid').search,
      headers: req.headers,
      body: bodyOf(req),
    });
    res.status(response.status).set(response.headers).send(response.body);
  };
}

/**
 * The bytes the framework kept, so that JSON is parsed here with the same rules on every
 * platform; what it parsed when it kept none (a host without the framework's `rawBody`).
 */
function bodyOf(req: GcfRequest): EdgeBody {
  if (Buffer.isBuffer(req.rawBody)) return { bytes: req.rawBody };
  const body: unknown = req.body;
  if (Buffer.isBuffer(body)) return { bytes: body };
  if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8') };
  return body === undefined ? null : { parsed: body };
}
