// The HTTP edge of every Apollo server Agora runs (the gateway and the six subgraphs), in a
// process or as a function: routing, health, metrics, CORS, the body's limits, the hooks a
// server adds (the gateway secret, the allow-list, the response cache) and the error bodies,
// around Apollo Server's own `executeHTTPGraphQLRequest`. Written once; Node's `http` server
// (httpServer.ts) and the function platforms (functions/) only move bytes in and out.
import type { IncomingHttpHeaders } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { Registry } from 'prom-client';
import { ErrorCode, MASKED_MESSAGE } from '@agora/errors';
import type { Logger } from '../logger.js';
import { startRequestTrace, type TraceTrust } from '../telemetry/http.js';
import { corsHeaders, preflightResponse, type CorsPolicy } from './cors.js';
import { errorResponse, jsonResponse, notFoundResponse, withHeaders, type EdgeResponse } from './edgeResponse.js';
import { parseBody, type EdgeBody } from './requestBody.js';

/** A request as the edge reads it, however it arrived. Header names are lower case. */
export interface EdgeRequest {
  method: string;
  path: string;
  /** The query string with its leading '?', or ''. */
  search: string;
  headers: IncomingHttpHeaders;
  /** The connection's peer, where there is one (not on a function platform). */
  remoteAddress: string | undefined;
  /** The body, read when the edge needs it (never for a request refused before). */
  body(): Promise<EdgeBody | { refusal: EdgeResponse }>;
}

/** The Apollo server behind the edge and how a request's context is made. */
export interface EdgeTarget<Context extends object> {
  apollo: ApolloServer<Context>;
  context(request: EdgeRequest): Promise<Context>;
}

export interface GraphQLEdgeOptions<Context extends object> {
  /** Names the server in spans and logs: 'users subgraph', 'gateway'. */
  name: string;
  /** Paths GraphQL is served at: `/graphql`, and `/` too for a function. */
  graphqlPaths: readonly string[];
  /** The server, ready; a function starts it at its first request (a rejection is a 503). */
  target(): EdgeTarget<Context> | Promise<EdgeTarget<Context>>;
  /** Throws when the server cannot do its job right now. */
  checkReadiness(): Promise<void>;
  /** True once stopping: readiness fails on purpose, so load balancers look elsewhere. */
  isStopping?: (() => boolean) | undefined;
  /** `GET /metrics` on this edge (subgraphs: inside the cluster only). */
  metrics?: Registry | undefined;
  /** Browser origins allowed on GraphQL (none set: no CORS headers, as for subgraphs). */
  cors?: CorsPolicy | undefined;
  /** Whether callers' trace context and request ids are continued or only noted. */
  traceTrust: TraceTrust;
  maxBodyBytes: number;
  logger: Logger;
  /** An answer before anything runs, when one is kept (the gateway's response cache). */
  answerEarly?: ((request: EdgeRequest) => EdgeResponse | undefined) | undefined;
  /** A refusal before the body is read or the server started (a subgraph's gateway secret). */
  refuse?: ((request: EdgeRequest) => EdgeResponse | undefined) | undefined;
  /** A refusal once the body is read (the gateway's allow-list of operations). */
  refuseBody?: ((request: EdgeRequest, body: unknown) => EdgeResponse | undefined) | undefined;
  /** Runs Apollo's execution, or answers in its place (the response cache merges concurrent misses). */
  aroundExecution?: ((request: EdgeRequest, execute: () => Promise<EdgeResponse>) => Promise<EdgeResponse>) | undefined;
}

export interface GraphQLEdge {
  /** The answer to one request. Never throws: a failure is a masked GraphQL error. */
  answer(request: EdgeRequest): Promise<EdgeResponse>;
}

export function createGraphQLEdge<Context extends object>(options: GraphQLEdgeOptions<Context>): GraphQLEdge {
  const graphqlPaths = new Set(options.graphqlPaths);
  const answerRoute = (request: EdgeRequest): EdgeResponse | Promise<EdgeResponse> => {
    const path = withoutTrailingSlash(request.path);
    if (graphqlPaths.has(path)) return answerGraphQL(options, request);
    const readOnly = request.method === 'GET' || request.method === 'HEAD';
    if (readOnly && path === '/health/live') return jsonResponse(200, { status: 'ok' });
    if (readOnly && path === '/health/ready') return answerReadiness(options);
    if (readOnly && path === '/metrics' && options.metrics !== undefined) return answerMetrics(options.metrics);
    return notFoundResponse();
  };
  return {
    async answer(request) {
      try {
        return await answerRoute(request);
      } catch (error) {
        options.logger.error('request failed outside GraphQL', { error });
        return errorResponse(500, ErrorCode.InternalServerError, MASKED_MESSAGE);
      }
    },
  };
}

/** As express matched routes: a trailing slash does not make another path. */
function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.replace(/\/+$/, '') || '/' : path;
}

async function answerGraphQL<Context extends object>(
  options: GraphQLEdgeOptions<Context>,
  request: EdgeRequest,
): Promise<EdgeResponse> {
  if (options.cors === undefined) return answerGraphQLWithoutCors(options, request);
  const cors = options.cors;
  if (request.method === 'OPTIONS') return preflightResponse(cors, request.headers);
  return withHeaders(await answerGraphQLWithoutCors(options, request), corsHeaders(cors, request.headers));
}

async function answerGraphQLWithoutCors<Context extends object>(
  options: GraphQLEdgeOptions<Context>,
  request: EdgeRequest,
): Promise<EdgeResponse> {
  const kept = options.answerEarly?.(request);
  if (kept !== undefined) return kept;
  const trace = startRequestTrace(options.name, options.traceTrust, request);
  const response = await trace.run(() => refuseOrExecute(options, request));
  trace.end(response.status);
  return withHeaders(response, trace.responseHeaders);
}

async function refuseOrExecute<Context extends object>(
  options: GraphQLEdgeOptions<Context>,
  request: EdgeRequest,
): Promise<EdgeResponse> {
  let target: EdgeTarget<Context>;
  try {
    // Before the target starts; a secret that cannot be read is a service that cannot start.
    const refusal = options.refuse?.(request);
    if (refusal !== undefined) return refusal;
    target = await options.target();
  } catch (error) {
    options.logger.error('the service could not start', { error });
    return errorResponse(503, ErrorCode.ServiceUnavailable, 'This service cannot answer right now; please try again.');
  }
  const received = await request.body();
  if (received !== null && 'refusal' in received) return received.refusal;
  const body = await parseBody(request.headers, received, options.maxBodyBytes);
  if ('refusal' in body) return body.refusal;
  const refusedBody = options.refuseBody?.(request, body.value);
  if (refusedBody !== undefined) return refusedBody;
  const execute = () => executeWithApollo(target, request, body.value);
  return options.aroundExecution === undefined ? execute() : options.aroundExecution(request, execute);
}

async function executeWithApollo<Context extends object>(
  target: EdgeTarget<Context>,
  request: EdgeRequest,
  body: unknown,
): Promise<EdgeResponse> {
  const response = await target.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: request.method.toUpperCase(),
      headers: headerMapOf(request.headers),
      search: request.search,
      body,
    },
    context: () => target.context(request),
  });
  return edgeResponseOf(response);
}

function headerMapOf(headers: IncomingHttpHeaders): HeaderMap {
  const map = new HeaderMap();
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) map.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}

/**
 * Apollo's answer in one piece. Only incremental delivery (`@defer`) would stream, and no
 * Agora server offers it (subscriptions are on graphql-ws): a stream is collected all the same.
 */
async function edgeResponseOf(response: HTTPGraphQLResponse): Promise<EdgeResponse> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  let body: string;
  if (response.body.kind === 'complete') {
    body = response.body.string;
  } else {
    body = '';
    for await (const chunk of response.body.asyncIterator) body += chunk;
  }
  return { status: response.status ?? 200, headers, body };
}

/** Liveness says the process answers; readiness says it can do its job right now. */
async function answerReadiness<Context extends object>(options: GraphQLEdgeOptions<Context>): Promise<EdgeResponse> {
  // Stopping: not ready, on purpose, and nothing worth a warning.
  if (options.isStopping?.() === true) return jsonResponse(503, { status: 'stopping' });
  try {
    await options.checkReadiness();
    return jsonResponse(200, { status: 'ready' });
  } catch (error) {
    // The reason may name internal hosts; it goes to the log, not to the probe.
    options.logger.warn('not ready', { error });
    return jsonResponse(503, { status: 'unavailable' });
  }
}

async function answerMetrics(registry: Registry): Promise<EdgeResponse> {
  return { status: 200, headers: { 'content-type': registry.contentType }, body: await registry.metrics() };
}
