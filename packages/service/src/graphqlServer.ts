import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { ErrorCode, MASKED_MESSAGE } from '@agora/errors';
import { connectableHost } from './hosts.js';
import type { Logger } from './logger.js';
import { metricsEndpoint, operationMetricsPlugin, traceRequests, type TraceTrust } from './telemetry/http.js';
import { createServiceMetrics, type ServiceMetrics } from './telemetry/metrics.js';

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

export interface GraphQLServerOptions<Context extends object> {
  /** Names the server in logs and errors: 'users', 'gateway'. */
  name: string;
  /** Builds the Apollo server with the given plugins (draining the HTTP server on stop). */
  createApollo(plugins: ApolloServerPlugin<Context>[]): ApolloServer<Context>;
  /**
   * Answers a request before express and every middleware when it can, returning true (the
   * gateway's cached public answers, its refusals over a connection cap); it then sets
   * whatever headers the guards would have.
   */
  answerEarly?(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Middleware before Apollo on /graphql (CORS, the gateway secret). */
  guards: RequestHandler[];
  context(req: Request): Promise<Context>;
  /** Throws when the server cannot do its job right now. */
  checkReadiness(): Promise<void>;
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
 * Serves GraphQL over HTTP on express 5: `/graphql`, and the health endpoints
 * `/health/live` and `/health/ready` for probes. `stop()` fails readiness, lets in-flight
 * requests finish, then stops background work.
 */
export async function serveGraphQL<Context extends object>(
  options: GraphQLServerOptions<Context>,
): Promise<RunningServer> {
  const app = express();
  const metrics = options.metrics ?? createServiceMetrics(options.name);
  // Nothing tells a scanner which framework answers.
  app.disable('x-powered-by');
  const timeouts = options.httpTimeouts ?? DEFAULT_HTTP_TIMEOUTS;
  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (refuseDeclaredOversizedBody(req, res, options.maxBodyBytes)) return;
    if (options.answerEarly?.(req, res) !== true) app(req, res);
  };
  const httpServer = http.createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // Deadlines are checked this often (Node: every 30 s), so a slow client is cut off
      // within a tenth over its deadline.
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(timeouts.headersMs / 10)),
    },
    serve,
  );
  // `Expect: 100-continue` (curl sends it for larger bodies): refuse before inviting the body.
  httpServer.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (refuseDeclaredOversizedBody(req, res, options.maxBodyBytes)) return;
    res.writeContinue();
    serve(req, res);
  });
  const apollo = options.createApollo([
    ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.stopGracePeriodMs ?? 10_000 }),
    operationMetricsPlugin(metrics, new Set(options.knownOperations ?? [])),
  ]);
  await apollo.start();
  await options.start?.();
  const detach = options.attach?.(httpServer);

  let stopping = false;
  mountHealth(app, options.logger, () => stopping, options.checkReadiness);
  if (options.metricsOnMainPort) app.get('/metrics', metricsEndpoint(metrics.registry));
  app.use(
    '/graphql',
    traceRequests(options.name, options.traceTrust),
    ...options.guards,
    express.json({ limit: options.maxBodyBytes }),
    expressMiddleware(apollo, { context: ({ req }) => options.context(req) }),
  );
  app.use(answerUnreadableBody(options.logger, options.maxBodyBytes));
  app.use((_req, res) => {
    res.status(404).json({
      errors: [{ message: 'Not found: GraphQL is served at /graphql.', extensions: { code: ErrorCode.NotFound } }],
    });
  });

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

/** Liveness says the process answers; readiness says it can do its job right now. */
function mountHealth(
  app: express.Express,
  logger: Logger,
  isStopping: () => boolean,
  checkReadiness: () => Promise<void>,
): void {
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    // Stopping: not ready, on purpose, and nothing worth a warning.
    if (isStopping()) {
      res.status(503).json({ status: 'stopping' });
      return;
    }
    try {
      await checkReadiness();
      res.json({ status: 'ready' });
    } catch (error) {
      // The reason may name internal hosts; it goes to the log, not to the probe.
      logger.warn('not ready', { error });
      res.status(503).json({ status: 'unavailable' });
    }
  });
}

/**
 * A request whose Content-Length is over `maxBodyBytes` is answered 413 before a byte of its
 * body is read, and its connection closed, so the body is neither received nor drained.
 * (The declared length of a gzip body is its compressed size: only an incompressible body
 * within a few bytes of the limit could be refused here and accepted once inflated.)
 */
function refuseDeclaredOversizedBody(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  maxBodyBytes: number,
): boolean {
  if (!(Number(req.headers['content-length'] ?? 0) > maxBodyBytes)) return false;
  const body = JSON.stringify({
    errors: [{ message: tooLargeMessage(maxBodyBytes), extensions: { code: ErrorCode.BadRequest } }],
  });
  res.writeHead(413, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
  return true;
}

function tooLargeMessage(maxBodyBytes: number): string {
  return `The request body is larger than the ${maxBodyBytes} bytes accepted.`;
}

/**
 * A body express could not read (not JSON, too large, an unknown charset) gets a GraphQL
 * error response like any other refusal, instead of express's HTML page with a stack trace.
 */
function answerUnreadableBody(logger: Logger, maxBodyBytes: number): ErrorRequestHandler {
  return (error: { type?: unknown; status?: unknown }, _req, res, next) => {
    const [status, message] = describeBodyError(error, maxBodyBytes);
    if (status === 500) logger.error('request failed before GraphQL', { error });
    // Too late for an answer of ours: express ends the response.
    if (res.headersSent) {
      next(error);
      return;
    }
    res.status(status).json({
      errors: [
        { message, extensions: { code: status === 500 ? ErrorCode.InternalServerError : ErrorCode.BadRequest } },
      ],
    });
  };
}

function describeBodyError(
  error: { type?: unknown; status?: unknown },
  maxBodyBytes: number,
): [status: number, message: string] {
  switch (error.type) {
    case 'entity.parse.failed':
      return [400, 'The request body is not valid JSON.'];
    case 'entity.too.large':
      return [413, tooLargeMessage(maxBodyBytes)];
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return [415, 'The request body must be JSON in UTF-8 (gzip or deflate allowed).'];
    case 'request.aborted':
    case 'request.size.invalid':
      return [400, 'The request body ended before its declared length.'];
    default:
      // A client fault body-parser names no type for, such as a corrupt gzip stream.
      if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
        return [400, 'The request body could not be read.'];
      }
      return [500, MASKED_MESSAGE];
  }
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
