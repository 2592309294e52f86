import type { Request, Response } from 'express';
import type { FunctionRequest, FunctionRequestBody, FunctionResponse } from './functionRequest.js';

/**
 * What Google Cloud Functions passes to an HTTP function: the Functions Framework's express
 * request, whose body it has already read, keeping the bytes in `rawBody`.
 */
export type GcfRequest = Request & { rawBody?: Buffer };

/** An HTTP function for Google Cloud Functions (`--entry-point gcf`). */
export type GcfHandler = (req: GcfRequest, res: Response) => Promise<void>;

/** Adapts a function answer to the Functions Framework's `(req, res)`. */
export function createGcfHandler(answer: (request: FunctionRequest) => Promise<FunctionResponse>): GcfHandler {
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
function bodyOf(req: GcfRequest): FunctionRequestBody {
  if (Buffer.isBuffer(req.rawBody)) return { bytes: req.rawBody };
  const body: unknown = req.body;
  if (Buffer.isBuffer(body)) return { bytes: body };
  if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8') };
  return body === undefined ? null : { parsed: body };
}
