import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import { createOperationNameLabel, type ServiceMetrics } from './metrics.js';
import { REQUEST_ID_HEADER, requestIdFrom, runInRequestScope } from './requestScope.js';
import { tracer } from './tracing.js';

/**
 * The start of every GraphQL request: its request id (the caller's, if it sent a plain one,
 * else a new one; echoed in the response), and a server span continuing the caller's trace.
 * Everything the request does afterwards runs inside both.
 */
export function traceRequests(service: string): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdFrom(req.headers);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      `${service} ${req.method} /graphql`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'agora.request_id': requestId } },
      parent,
    );
    res.once('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    runInRequestScope({ requestId }, () => context.with(trace.setSpan(parent, span), next));
  };
}

/** Counts and times every operation, and names it on the request's span. */
export function operationMetricsPlugin(metrics: ServiceMetrics): ApolloServerPlugin {
  const nameLabel = createOperationNameLabel();
  return {
    async requestDidStart() {
      const startedAt = process.hrtime.bigint();
      return {
        async didResolveOperation({ operation, operationName }) {
          const span = trace.getActiveSpan();
          span?.setAttribute('graphql.operation.type', operation?.operation ?? 'unknown');
          if (operationName !== null) span?.setAttribute('graphql.operation.name', operationName.slice(0, 100));
        },
        async willSendResponse({ operation, operationName, response }) {
          const type = operation?.operation ?? 'unparsed';
          const name = nameLabel(operationName);
          const failed = response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0;
          metrics.operations.inc({ operation_type: type, operation_name: name, outcome: failed ? 'error' : 'ok' });
          const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
          metrics.operationSeconds.observe({ operation_type: type, operation_name: name }, seconds);
        },
      };
    },
  };
}

/** `GET /metrics` in Prometheus' text format. */
export function metricsEndpoint(registry: Registry): RequestHandler {
  return (_req, res, next) => {
    registry.metrics().then((text) => {
      res.setHeader('content-type', registry.contentType);
      res.send(text);
    }, next);
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
