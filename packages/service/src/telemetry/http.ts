import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
} from '@opentelemetry/api';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Registry } from 'prom-client';
import type { ServiceMetrics } from './metrics.js';
import { REQUEST_ID_HEADER, requestIdFrom, runInRequestScope } from './requestScope.js';
import { isTracing, tracer } from './tracing.js';

/**
 * Whom a service believes about the trace and the request id: `peers` (a subgraph, called by
 * the gateway or another subgraph with the secret) continues what it is given; the `public`
 * edge (the gateway) starts its own, so a client can neither turn tracing off for its
 * requests (an unsampled `traceparent`), choose trace ids, nor reuse someone else's request
 * id to mix its log lines with theirs. What the client sent is kept as a link and an attribute.
 */
export type TraceTrust = 'peers' | 'public';

/** What the edge needs to know of a request to trace it. */
export interface TracedRequest {
  method: string;
  headers: IncomingHttpHeaders;
}

export interface RequestTrace {
  /** Runs the request's work inside its request scope (and its span, when spans are recorded). */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Ends the span with the answer's status. */
  end(status: number): void;
  /** The request id, echoed to the caller. */
  responseHeaders: Record<string, string>;
}

/**
 * The start of every GraphQL request: its request id (echoed in the response) and, when this
 * process records spans, a server span. Everything the request does afterwards runs inside both.
 */
export function startRequestTrace(service: string, trust: TraceTrust, req: TracedRequest): RequestTrace {
  const requestId = trust === 'peers' ? requestIdFrom(req.headers) : randomUUID();
  const responseHeaders = { [REQUEST_ID_HEADER]: requestId };
  if (!isTracing()) {
    // Nothing would record a span: reading the caller's trace context and starting a span
    // that goes nowhere cost about 90 µs a request (bench/OPTIMIZATIONS.md).
    return { run: (work) => runInRequestScope({ requestId }, work), end: () => {}, responseHeaders };
  }
  const sent = propagation.extract(ROOT_CONTEXT, req.headers);
  const sentSpan = trace.getSpanContext(sent);
  const parent = trust === 'peers' ? sent : ROOT_CONTEXT;
  const attributes: Attributes = { 'http.request.method': req.method, 'agora.request_id': requestId };
  const clientRequestId = req.headers[REQUEST_ID_HEADER];
  if (trust === 'public' && typeof clientRequestId === 'string') {
    attributes['agora.client_request_id'] = clientRequestId.slice(0, 100);
  }
  const span = tracer.startSpan(
    `${service} ${req.method} /graphql`,
    {
      kind: SpanKind.SERVER,
      attributes,
      ...(trust === 'public' && sentSpan !== undefined ? { links: [{ context: sentSpan }] } : {}),
    },
    parent,
  );
  return {
    run: (work) => runInRequestScope({ requestId }, () => context.with(trace.setSpan(parent, span), work)),
    end(status) {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
    responseHeaders,
  };
}

/**
 * Counts and times every operation by type, name and outcome, and names it on the request's
 * span. Only names the operator listed (`knownOperations`) become label values, the rest are
 * `other`: clients choose names, and every name a label took would stay a time series for
 * good. Operations the gateway runs for itself (a subscription's query, which has no HTTP
 * request) are not counted.
 */
export function operationMetricsPlugin(
  metrics: ServiceMetrics,
  knownOperations: ReadonlySet<string> = new Set(),
): ApolloServerPlugin {
  const nameLabel = (name: string | null | undefined) =>
    typeof name === 'string' && knownOperations.has(name) ? name : 'other';
  return {
    async requestDidStart({ request }) {
      if (request.http === undefined) return {};
      const startedAt = process.hrtime.bigint();
      return {
        async didResolveOperation({ operation, operationName }) {
          const span = trace.getActiveSpan();
          span?.setAttribute('graphql.operation.type', operation?.operation ?? 'unknown');
          if (operationName !== null) span?.setAttribute('graphql.operation.name', operationName.slice(0, 100));
        },
        async willSendResponse({ operation, operationName, response }) {
          const labels = {
            operation_type: operation?.operation ?? 'unparsed',
            operation_name: nameLabel(operationName),
          };
          const failed = response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0;
          metrics.operations.inc({ ...labels, outcome: failed ? 'error' : 'ok' });
          metrics.operationSeconds.observe(labels, Number(process.hrtime.bigint() - startedAt) / 1e9);
        },
      };
    },
  };
}

/**
 * Metrics on a port of their own, for a service whose main port is public (the gateway):
 * Prometheus scrapes it inside the cluster, clients never see it.
 */
export async function serveMetrics(
  registry: Registry,
  port: number,
  host: string,
): Promise<{ port: number; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
