import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { ErrorCode } from '@agora/errors';
import { errorResponse, type EdgeResponse } from './edgeResponse.js';

/**
 * A request body as the edge reads it: the value Apollo is handed (parsed JSON, or undefined
 * when the request is not JSON: Apollo then answers it itself), or the answer to a body that
 * cannot be read. The rules are body-parser's `json()` with `strict` on, which the service used
 * to run: the same bodies are accepted and the same ones refused, with the same words.
 */
export type ReadBody = { value: unknown } | { refusal: EdgeResponse };

/**
 * The body as sent, or the value a host already parsed it into without keeping the bytes
 * (some function platforms); null when there is none.
 */
export type EdgeBody = { bytes: Buffer } | { parsed: unknown } | null;

/** Reads a request's bytes, at most `maxBytes` of them: more is a refusal, not a longer wait. */
export function receiveBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<{ bytes: Buffer } | { refusal: EdgeResponse }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (outcome: { bytes: Buffer } | { refusal: EdgeResponse }) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onError);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        // The rest is not read: the answer closes the connection instead of draining it.
        req.pause();
        finish({ refusal: { ...tooLarge(maxBytes), closeConnection: true } });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received) });
    // Only a client that went away ends here; the refusal is for the record, nobody reads it.
    const onError = () => finish({ refusal: errorResponse(400, ErrorCode.BadRequest, ENDED_EARLY) });
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onError);
  });
}

/** Whether a request carries a body at all, as HTTP frames one (type-is's `hasBody`). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || !Number.isNaN(parseInt(headers['content-length'] ?? '', 10));
}

/**
 * The value Apollo is handed for `body`: JSON bodies decoded (gzip, deflate or brotli), in
 * their charset (UTF-8 or UTF-16), parsed, and only an object or an array (JSON's strict
 * form); anything that is not JSON is left out.
 */
export async function parseBody(headers: IncomingHttpHeaders, body: EdgeBody, maxBytes: number): Promise<ReadBody> {
  if (body === null) return { value: undefined };
  if ('parsed' in body) return { value: body.parsed };
  const mediaType = parseMediaType(headers['content-type']);
  if (mediaType?.type !== 'application/json') return { value: undefined };
  const decoder = textDecoderFor(mediaType.charset);
  if (decoder === undefined) return { refusal: unsupportedFormat() };
  const inflated = await inflate(headers['content-encoding'], body.bytes, maxBytes);
  if ('refusal' in inflated) return inflated;
  const text = decoder.decode(inflated.bytes);
  if (text.length === 0) return { value: {} }; // as body-parser: an empty JSON body is an empty object
  // body-parser's strict mode: only an object or an array, after JSON's own whitespace.
  const first = /^[ \t\n\r]*(.?)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') return { refusal: notJson() };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { refusal: notJson() };
  }
}

const ENDED_EARLY = 'The request body ended before its declared length.';

const inflaters = {
  gzip: promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
} as const;

/** The body's bytes once its Content-Encoding is undone, never more than `maxBytes` of them. */
async function inflate(
  contentEncoding: string | undefined,
  bytes: Buffer,
  maxBytes: number,
): Promise<{ bytes: Buffer } | { refusal: EdgeResponse }> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return bytes.length > maxBytes ? { refusal: tooLarge(maxBytes) } : { bytes };
  if (!(encoding in inflaters)) return { refusal: unsupportedFormat() };
  try {
    return { bytes: await inflaters[encoding as keyof typeof inflaters](bytes, { maxOutputLength: maxBytes }) };
  } catch (error) {
    // Past maxOutputLength zlib stops with a RangeError: a bomb costs at most the limit.
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') return { refusal: tooLarge(maxBytes) };
    return { refusal: errorResponse(400, ErrorCode.BadRequest, 'The request body could not be read.') };
  }
}

/** The media type and charset of a Content-Type header, or undefined when it cannot be read. */
function parseMediaType(contentType: string | undefined): { type: string; charset: string | undefined } | undefined {
  if (contentType === undefined) return undefined;
  const [type = '', ...parameters] = contentType.split(';');
  let charset: string | undefined;
  for (const parameter of parameters) {
    const [name, value] = parameter.split('=');
    if (name?.trim().toLowerCase() === 'charset' && value !== undefined) {
      charset = value
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
    }
  }
  return { type: type.trim().toLowerCase(), charset };
}

/** JSON is Unicode (RFC 8259; body-parser took any `utf-*`): UTF-8 unless told, else UTF-16. */
function textDecoderFor(charset: string | undefined): InstanceType<typeof TextDecoder> | undefined {
  switch (charset ?? 'utf-8') {
    case 'utf-8':
    case 'utf8':
      return utf8;
    case 'utf-16le':
    case 'utf-16be':
    case 'utf-16':
      return new TextDecoder(charset);
    default:
      return undefined;
  }
}

/** Not fatal: invalid UTF-8 becomes U+FFFD and GraphQL's parser names it, as before. */
const utf8 = new TextDecoder('utf-8');

export function tooLarge(maxBytes: number): EdgeResponse {
  return errorResponse(413, ErrorCode.BadRequest, `The request body is larger than the ${maxBytes} bytes accepted.`);
}

function notJson(): EdgeResponse {
  return errorResponse(400, ErrorCode.BadRequest, 'The request body is not valid JSON.');
}

function unsupportedFormat(): EdgeResponse {
  return errorResponse(415, ErrorCode.BadRequest, 'The request body must be JSON in UTF-8 (gzip or deflate allowed).');
}
