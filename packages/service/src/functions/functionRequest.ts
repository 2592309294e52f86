import type { IncomingHttpHeaders } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import { ErrorCode, MASKED_MESSAGE } from '@agora/errors';
import { NOT_FROM_GATEWAY, isGatewaySecret } from '../gatewaySecret.js';
import { INTERNAL_HEADERS } from '../identity.js';
import type { Logger } from '../logger.js';
import { createRequestContext, type SubgraphDefinition } from '../subgraphServer.js';

/** An HTTP request as a function platform delivers it, reduced to what a subgraph reads. */
export interface FunctionRequest {
  method: string;
  path: string;
  /** The query string with its leading '?', or ''. */
  search: string;
  /** Header names in lower case. */
  headers: IncomingHttpHeaders;
  body: FunctionRequestBody;
}

/**
 * The body as sent, or the value a host already parsed it into without keeping the bytes;
 * null when there is none.
 */
export type FunctionRequestBody = { bytes: Buffer } | { parsed: unknown } | null;

export interface FunctionResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A subgraph ready to answer on a warm instance. */
export interface ServedSubgraph<Context extends object> {
  subgraph: SubgraphDefinition<Context>;
  apollo: ApolloServer<Context>;
  maxBodyBytes: number;
}

export interface AnswerOptions<Context extends object> {
  /** The gateway secret, read without starting anything (throws when it is not configured). */
  gatewaySecret(): string;
  /** The instance's subgraph, started on first use; rejects when it cannot start. */
  served(): Promise<ServedSubgraph<Context>>;
  logger: Logger;
}

/**
 * Answers one HTTP request the way `serveSubgraph` does, without a server: GraphQL at `/`
 * and `/graphql` behind the gateway secret, `/health/live` and `/health/ready` open to
 * probes, a JSON 404 elsewhere. Never throws: a failure is a masked GraphQL error.
 */
export async function answerFunctionRequest<Context extends object>(
  options: AnswerOptions<Context>,
  request: FunctionRequest,
): Promise<FunctionResponse> {
  const route = routeOf(request.path);
  if (route === 'live') return jsonResponse(200, { status: 'ok' });
  if (route === 'ready') return answerReadiness(options);
  if (route === 'unknown') return errorResponse(404, ErrorCode.NotFound, 'Not found: GraphQL is served at /graphql.');
  let served: ServedSubgraph<Context>;
  try {
    // Before anything starts: a caller without the secret must not make an instance open its
    // database (or hold a connection) just to be refused.
    if (!isGatewaySecret(request.headers[INTERNAL_HEADERS.gatewaySecret], options.gatewaySecret())) {
      return jsonResponse(403, NOT_FROM_GATEWAY);
    }
    served = await options.served();
  } catch (error) {
    options.logger.error('the function could not start', { error });
    return errorResponse(503, ErrorCode.ServiceUnavailable, 'This service cannot answer right now; please try again.');
  }
  try {
    return await answerGraphQL(served, request);
  } catch (error) {
    options.logger.error('request failed outside GraphQL', { error });
    return errorResponse(500, ErrorCode.InternalServerError, MASKED_MESSAGE);
  }
}

function routeOf(path: string): 'graphql' | 'live' | 'ready' | 'unknown' {
  // As express matches routes: a trailing slash does not make another path.
  switch (path.replace(/(.)\/+$/, '$1')) {
    case '/':
    case '/graphql':
      return 'graphql';
    case '/health/live':
      return 'live';
    case '/health/ready':
      return 'ready';
    default:
      return 'unknown';
  }
}

/** Readiness starts the instance if it has not started: a probe warms it like a request would. */
async function answerReadiness<Context extends object>(options: AnswerOptions<Context>): Promise<FunctionResponse> {
  try {
    await (await options.served()).subgraph.checkReadiness();
    return jsonResponse(200, { status: 'ready' });
  } catch (error) {
    // The reason may name internal hosts; it goes to the log, not to the probe.
    options.logger.warn('not ready', { error });
    return jsonResponse(503, { status: 'unavailable' });
  }
}

async function answerGraphQL<Context extends object>(
  served: ServedSubgraph<Context>,
  request: FunctionRequest,
): Promise<FunctionResponse> {
  const body = readBody(request, served.maxBodyBytes);
  if ('refusal' in body) return body.refusal;
  const response = await served.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: request.method.toUpperCase(),
      headers: toHeaderMap(request.headers),
      search: request.search,
      body: body.value,
    },
    context: async () => createRequestContext(served.subgraph, request.headers),
  });
  return fromApollo(response);
}

/**
 * The body as express.json would hand it to Apollo: JSON bodies parsed, anything else left
 * out (Apollo then answers 400 itself). A body that cannot be read gets the service's words
 * for it; the service maps body-parser's errors, a function reads its body itself.
 */
function readBody(request: FunctionRequest, maxBodyBytes: number): { value: unknown } | { refusal: FunctionResponse } {
  const { body } = request;
  if (body === null) return { value: undefined };
  if ('parsed' in body) return { value: body.parsed };
  if (body.bytes.length > maxBodyBytes) {
    return {
      refusal: errorResponse(
        413,
        ErrorCode.BadRequest,
        `The request body is larger than the ${maxBodyBytes} bytes accepted.`,
      ),
    };
  }
  if (!isJsonMediaType(request.headers['content-type']) || body.bytes.length === 0) return { value: undefined };
  try {
    return { value: JSON.parse(body.bytes.toString('utf8')) };
  } catch {
    return { refusal: errorResponse(400, ErrorCode.BadRequest, 'The request body is not valid JSON.') };
  }
}

function isJsonMediaType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function toHeaderMap(headers: IncomingHttpHeaders): HeaderMap {
  const map = new HeaderMap();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) map.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}

/** Apollo's answer in one piece: a function returns its whole response at once. */
async function fromApollo(response: HTTPGraphQLResponse): Promise<FunctionResponse> {
  let body: string;
  if (response.body.kind === 'complete') {
    body = response.body.string;
  } else {
    body = '';
    for await (const chunk of response.body.asyncIterator) body += chunk;
  }
  return { status: response.status ?? 200, headers: Object.fromEntries(response.headers), body };
}

export function jsonResponse(status: number, value: unknown): FunctionResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(value) };
}

function errorResponse(status: number, code: ErrorCode, message: string): FunctionResponse {
  return jsonResponse(status, { errors: [{ message, extensions: { code } }] });
}
