// Node's `http` server in front of the edge (edge.ts): it moves bytes in and out, enforces the
// client's deadlines and the declared body size, and owns the server's life (start, drain, stop).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { connectableHost } from '../hosts.js';
import type { Logger } from '../logger.js';
import { operationMetricsPlugin, type TraceTrust } from '../telemetry/http.js';
import { createServiceMetrics, type ServiceMetrics } from '../telemetry/metrics.js';
import { corsHeaders, type CorsPolicy } from './cors.js';
import { createGraphQLEdge, type EdgeRequest, type GraphQLEdgeOptions } from './edge.js';
import { withHeaders, type EdgeResponse } from './edgeResponse.js';
import { hasBody, receiveBody, tooLarge } from './requestBody.js';

export interface RunningServer {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4001/graphql. */
  url: string;
  port: number;
  /** Where `/metrics` is served when not on `port` (the gateway's own metrics port). */
  metricsPort?: number;
  stop(): Promise<void>;
}

/**
 * How long a client may take to send a request, and to leave a connection idle. Node's
 * defaults (60 s for headers and 300 s for a request, checked every 30 s) suit a network of
 * trusted peers, not a public port: they let one slow client hold a socket for minutes.
 */
export interface HttpTimeouts {
  /** From a request's first byte to the end of its headers; slower is answered 408. */
  headersMs: number;
  /** From a request's first byte to the end of its body; slower is answered 408. */
  requestMs: number;
  /** How long a keep-alive connection may sit idle between requests. */
  keepAliveMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  // Headers are a few kB: any client on any network sends them well within 10 s.
  headersMs: 10_000,
  // A body is bounded by maxBodyBytes (100 kB at the gateway): 30 s is a poor mobile link's worth.
  requestMs: 30_000,
  // Longer than the idle timeout of a load balancer in front (nginx's upstream keep-alive and
  // AWS's ALB: 60 s), so that it closes an idle connection first: if this side closed it, a
  // request the balancer sent just then would fail (a 502 for its client).
  keepAliveMs: 65_000,
};

/** The edge's hooks a server may add (the gateway secret, the allow-list, the response cache). */
type EdgeHooks<Context extends object> = Pick<
  GraphQLEdgeOptions<Context>,
  'answerEarly' | 'refuse' | 'refuseBody' | 'aroundExecution'
>;

export interface GraphQLServerOptions<Context extends object> extends EdgeHooks<Context> {
  /** Names the server in logs, spans and errors: 'users subgraph', 'gateway'. */
  name: string;
  /** Builds the Apollo server with the given plugins (draining the HTTP server on stop). */
  createApollo(plugins: ApolloServerPlugin<Context>[]): ApolloServer<Context>;
  context(request: EdgeRequest): Promise<Context>;
  /** Throws when the server cannot do its job right now. */
  checkReadiness(): Promise<void>;
  /**
   * A refusal before the edge sees the request, with the connection in hand (the gateway's
   * cap on connections per address holds a slot until `res` closes); undefined to go on.
   */
  admitRequest?(req: http.IncomingMessage, res: http.ServerResponse): EdgeResponse | undefined;
  /** Browser origins allowed on GraphQL (none: no CORS headers, as for subgraphs). */
  cors?: CorsPolicy | undefined;
  port: number;
  host: string;
  logger: Logger;
  maxBodyBytes: number;
  /** Deadlines of a client's request and idle connection (DEFAULT_HTTP_TIMEOUTS when undefined). */
  httpTimeouts?: HttpTimeouts | undefined;
  /** How long in-flight requests get to finish on stop (10 s when undefined). */
  stopGracePeriodMs?: number | undefined;
  /**
   * How long to keep serving after readiness starts failing on stop, so that load balancers
   * take this instance out before it stops accepting requests (0 when none is in front).
   */
  shutdownDelayMs?: number | undefined;
  /** Background work begun before listening and ended after the last request. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** More on the same HTTP server (WebSockets); the returned function ends it, before HTTP stops. */
  attach?(httpServer: http.Server): () => Promise<void>;
  /** This service's metrics (a fresh set when not given). */
  metrics?: ServiceMetrics;
  /** Serve `GET /metrics` on this port too: yes for subgraphs; the public gateway has its own port. */
  metricsOnMainPort: boolean;
  /** Whether callers' trace context and request ids are continued (`peers`) or only noted (`public`). */
  traceTrust: TraceTrust;
  /** Operation names counted under their own name in metrics (the rest are `other`). */
  knownOperations?: readonly string[];
}

/**
 * Serves GraphQL over Node's `http` server: `/graphql`, and the health endpoints
 * `/health/live` and `/health/ready` for probes. `stop()` fails readiness, lets in-flight
 * requests finish, then stops background work.
 */
export async function serveGraphQL<Context extends object>(
  options: GraphQLServerOptions<Context>,
): Promise<RunningServer> {
  const metrics = options.metrics ?? createServiceMetrics(options.name);
  const timeouts = options.httpTimeouts ?? DEFAULT_HTTP_TIMEOUTS;
  const httpServer = http.createServer({
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // Deadlines are checked this often (Node: every 30 s), so a slow client is cut off
    // within a tenth over its deadline.
    connectionsCheckingInterval: Math.min(1_000, Math.ceil(timeouts.headersMs / 10)),
  });
  const apollo = options.createApollo([
    ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.stopGracePeriodMs ?? 10_000 }),
    operationMetricsPlugin(metrics, new Set(options.knownOperations ?? [])),
  ]);
  let stopping = false;
  const target = { apollo, context: options.context };
  const edge = createGraphQLEdge<Context>({
    name: options.name,
    graphqlPaths: ['/graphql'],
    target: () => target,
    checkReadiness: options.checkReadiness,
    isStopping: () => stopping,
    metrics: options.metricsOnMainPort ? metrics.registry : undefined,
    cors: options.cors,
    traceTrust: options.traceTrust,
    maxBodyBytes: options.maxBodyBytes,
    logger: options.logger,
    answerEarly: options.answerEarly,
    refuse: options.refuse,
    refuseBody: options.refuseBody,
    aroundExecution: options.aroundExecution,
  });
  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const refusal = refuseDeclaredOversizedBody(req, options.maxBodyBytes) ?? admit(options, req, res);
    if (refusal !== undefined) {
      send(res, refusal);
      return;
    }
    void edge.answer(edgeRequestOf(req, options.maxBodyBytes)).then((response) => send(res, response));
  };
  httpServer.on('request', serve);
  // `Expect: 100-continue` (curl sends it for larger bodies): refuse before inviting the body.
  httpServer.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const refusal = refuseDeclaredOversizedBody(req, options.maxBodyBytes);
    if (refusal !== undefined) {
      send(res, refusal);
      return;
    }
    res.writeContinue();
    serve(req, res);
  });

  await apollo.start();
  await options.start?.();
  const detach = options.attach?.(httpServer);
  let port: number;
  try {
    port = await listen(httpServer, options.port, options.host);
  } catch (error) {
    await detach?.();
    await apollo.stop();
    await options.stop?.();
    throw new Error(`${options.name} cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
  }
  const url = `http://${connectableHost(options.host)}:${port}/graphql`;
  options.logger.info(`${options.name} ready`, { url });
  return {
    url,
    port,
    async stop() {
      stopping = true;
      if ((options.shutdownDelayMs ?? 0) > 0) {
        options.logger.warn(`${options.name} not ready; serving ${options.shutdownDelayMs} ms more before closing`);
        await new Promise((resolve) => setTimeout(resolve, options.shutdownDelayMs));
      }
      await detach?.();
      await apollo.stop();
      await options.stop?.();
    },
  };
}

/** The server's own refusal, with CORS headers where browsers call, so that a page can read why. */
function admit<Context extends object>(
  options: GraphQLServerOptions<Context>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): EdgeResponse | undefined {
  const refusal = options.admitRequest?.(req, res);
  if (refusal === undefined || options.cors === undefined) return refusal;
  return withHeaders(refusal, corsHeaders(options.cors, req.headers));
}

/**
 * A request whose Content-Length is over `maxBodyBytes` is answered 413 before a byte of its
 * body is read, and its connection closed, so the body is neither received nor drained.
 * (The declared length of a gzip body is its compressed size: only an incompressible body
 * within a few bytes of the limit could be refused here and accepted once inflated.)
 */
function refuseDeclaredOversizedBody(req: http.IncomingMessage, maxBodyBytes: number): EdgeResponse | undefined {
  if (!(Number(req.headers['content-length'] ?? 0) > maxBodyBytes)) return undefined;
  return { ...tooLarge(maxBodyBytes), closeConnection: true };
}

function edgeRequestOf(req: http.IncomingMessage, maxBodyBytes: number): EdgeRequest {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: query === -1 ? url : url.slice(0, query),
    search: query === -1 ? '' : url.slice(query),
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress,
    body: () => (hasBody(req.headers) ? receiveBody(req, maxBodyBytes) : Promise.resolve(null)),
  };
}

/** Writes an answer whole; a client gone by then is no error (Node drops the write). */
function send(res: http.ServerResponse, response: EdgeResponse): void {
  const headers: http.OutgoingHttpHeaders = { ...response.headers };
  headers['content-length'] ??= Buffer.byteLength(response.body);
  if (response.closeConnection === true) headers['connection'] = 'close';
  res.writeHead(response.status, headers);
  res.end(response.body);
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
