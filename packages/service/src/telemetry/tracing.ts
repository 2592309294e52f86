import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { REQUEST_ID_HEADER, currentRequestId } from './requestScope.js';

export interface TracingOptions {
  /** `service.name` of every span this process records: the service, or `agora` all-in-one. */
  serviceName: string;
  /** An OTLP/HTTP collector base URL (OTEL_EXPORTER_OTLP_ENDPOINT), e.g. http://collector:4318. */
  otlpEndpoint?: string | undefined;
  /** Where spans go instead, sent one by one (tests read them back from memory). */
  exporter?: SpanExporter | undefined;
}

export interface Tracing {
  /** Sends what is still buffered, then stops recording. */
  shutdown(): Promise<void>;
}

/**
 * Sets up OpenTelemetry for this process, once, before any service starts: W3C trace
 * context is read from requests, and spans are recorded and passed on to the services a
 * request calls only when they have somewhere to go, so an unconfigured deployment pays
 * (almost) nothing for them.
 */
export function startTracing(options: TracingOptions): Tracing {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const processor = spanProcessorFor(options);
  // Nothing recorded, nothing to carry from a span to its children: no context manager, whose
  // bookkeeping on every asynchronous step cost the signing benchmark about a tenth.
  if (processor === undefined) return { shutdown: async () => {} };
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  tracing = true;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [processor],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    shutdown: async () => {
      tracing = false;
      await provider.shutdown();
    },
  };
}

let tracing = false;

/** Whether this process records spans (startTracing was given somewhere to send them). */
export function isTracing(): boolean {
  return tracing;
}

function spanProcessorFor(options: TracingOptions): SpanProcessor | undefined {
  if (options.exporter !== undefined) return new SimpleSpanProcessor(options.exporter);
  if (options.otlpEndpoint === undefined) return undefined;
  const url = `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
  return new BatchSpanProcessor(new OTLPTraceExporter({ url }));
}

/** The tracer of Agora's own spans (Apollo's gateway adds its own under the same trace). */
export const tracer = trace.getTracer('agora');

/**
 * Headers that carry the current trace and request on to another service: `traceparent`
 * (W3C) and the request id every log line of this request carries.
 */
export function propagationHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  const requestId = currentRequestId();
  if (requestId !== undefined) headers[REQUEST_ID_HEADER] = requestId;
  return headers;
}

/** Spans kept in memory, for tests that read a trace back (`startTracing({ exporter })`). */
export function createMemorySpanExporter(): InMemorySpanExporter {
  return new InMemorySpanExporter();
}
