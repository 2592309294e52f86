import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as wait } from 'node:timers/promises';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, OperationTypeNode } from 'graphql';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request, type Dispatcher } from 'undici';
import { ErrorCode, ServiceUnavailableError, isTimeoutError } from '@agora/errors';
import { INTERNAL_HEADERS, deadlineHeaders, identityHeaders, propagationHeaders } from '@agora/service';
import type { SubgraphFetchOutcome } from './gatewayMetrics.js';
import type { GatewayContext } from './context.js';
import { createSharedReads, type WholeAnswer } from './sharedReads.js';

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  gatewaySecret: string;
  timeoutMs: number;
  /** Keep-alive connections to this subgraph at most; calls beyond wait for one. */
  maxConnections: number;
  /** Times every call, by outcome. */
  recordFetch(subgraph: string, outcome: SubgraphFetchOutcome, seconds: number): void;
  /** Counts each call sent a second time, by the outcome of that second attempt. */
  recordRetry(subgraph: string, outcome: SubgraphFetchOutcome): void;
  /** Counts each read answered by an identical one already in flight (see sharedReads.ts). */
  recordSharedRead(subgraph: string): void;
}

/**
 * The pause before a read is sent again: short, as the client waits for it, but long enough
 * not to meet the same burst of resets (a process closing its sockets, a pod leaving its Service).
 */
const RETRY_BACKOFF_MS = { min: 50, max: 100 };

/** Errors of a connection refused, reset or closed before a response arrived (undici's causes). */
const CONNECTION_FAILURES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** Whether the fetch under way belongs to a client operation that may be sent again (see mayRetry). */
const retryable = new AsyncLocalStorage<boolean>();

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/**
 * How the gateway calls one subgraph: a request built from scratch (so no client header
 * reaches a subgraph) carrying the gateway secret and the verified caller, with a deadline.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly options: SubgraphDataSourceOptions;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url, fetcher: createTimedFetcher(options) });
    this.options = options;
  }

  /**
   * A subgraph answering other than 2xx (a refused gateway secret, a crash) becomes an
   * error naming the subgraph and the status, never its URL or its response body.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    return new GraphQLError(`The ${this.options.name} service failed (HTTP ${response.status}).`, {
      extensions: { code: ErrorCode.InternalServerError },
    });
  }

  override process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    // The fetcher hears only (url, init): the operation's kind reaches it through the async context.
    return retryable.run(mayRetry(options), () => super.process(options));
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (headers === undefined) return;
    headers.set(INTERNAL_HEADERS.gatewaySecret, this.options.gatewaySecret);
    // The trace (Apollo's fetch span is the active one here) and the request id go along.
    for (const [name, value] of Object.entries(propagationHeaders())) headers.set(name, value);
    for (const [name, value] of Object.entries(identityHeaders(context.identity ?? null))) headers.set(name, value);
    if (context.clientAddress !== undefined) headers.set(INTERNAL_HEADERS.clientAddress, context.clientAddress);
  }
}

/**
 * A subgraph fetch may be sent twice only when the client's whole operation is a query.
 * Within a mutation even the follow-up `_entities` fetches are not retried: telling them from
 * the mutation's own fetches would mean trusting the text the planner wrote, and one wrong
 * guess writes twice; the client's operation type is what it asked for and validation
 * checked, and a query's plan holds only query fetches. The price: a mutation whose follow-up
 * read fails answers SERVICE_UNAVAILABLE for the fields it could not read, though it was
 * applied. Health checks and schema loading are never retried.
 */
function mayRetry(options: GraphQLDataSourceProcessOptions<GatewayContext>): boolean {
  return (
    'incomingRequestContext' in options &&
    options.incomingRequestContext.operation.operation === OperationTypeNode.QUERY
  );
}

/**
 * Whether `error` (from undici's request: the code on the error itself, or on its cause) is a
 * connection refused, reset or closed before any response byte: the subgraph restarting, or a
 * pod going away. A read sent again is harmless even when the first attempt was executed. A
 * deadline passed is not one.
 */
function isConnectionFailure(error: unknown): boolean {
  const codeOf = (value: unknown): unknown =>
    typeof value === 'object' && value !== null ? (value as { code?: unknown }).code : undefined;
  const code = codeOf(error) ?? codeOf(error instanceof Error ? error.cause : undefined);
  return typeof code === 'string' && CONNECTION_FAILURES.has(code);
}

/**
 * What Apollo reads of a subgraph's answer (`ok`, `status`, `headers.get`, `json`, `text`),
 * over an answer read whole from undici's own response: the WHATWG Response and its web
 * streams cost about twice the CPU per call (bench/OPTIMIZATIONS.md). Each caller parses the
 * body itself, so that callers sharing one answer never share its objects.
 */
function fetcherResponseOf(url: string, answer: WholeAnswer): FetcherResponse {
  const header = (name: string): string | null => {
    const value = answer.headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  };
  return {
    ok: answer.status >= 200 && answer.status < 300,
    status: answer.status,
    statusText: '',
    url,
    headers: { get: header, has: (name: string) => header(name) !== null },
    text: async () => answer.body,
    json: async () => JSON.parse(answer.body) as unknown,
  } as unknown as FetcherResponse;
}

/**
 * Reads with the same text, variables and caller get the same answer; nothing else a request
 * carries changes it (its request id and trace name the request, and where the caller is
 * only counts towards checkout's limit, a mutation's).
 */
function sharedReadKey(init: RequestInit): string {
  const headers = init.headers as Record<string, string>;
  return `${headers[INTERNAL_HEADERS.userId] ?? ''} ${headers[INTERNAL_HEADERS.sessionId] ?? ''} ${String(init.body)}`;
}

/**
 * Calls over a pool of keep-alive connections of its own (undici's request API), bounded, with a per-call deadline
 * that the subgraph is told (`x-agora-deadline-ms`: what is left of it, for the retry too);
 * a miss becomes SERVICE_UNAVAILABLE naming the subgraph, not its URL. Node's global fetch
 * opens a new connection whenever all are busy: at 350 clients that was hundreds of sockets
 * per subgraph and stragglers of over 10 s; a bounded pool queues here instead, where the
 * deadline still applies. A read whose connection failed is sent once more, on a new
 * connection, after a short backoff, when the backoff fits in what is left of the deadline.
 */
function createTimedFetcher(options: SubgraphDataSourceOptions): Fetcher {
  const dispatcher = new Agent({ connections: options.maxConnections, keepAliveTimeout: 30_000 });
  const reads = createSharedReads(() => options.recordSharedRead(options.name));
  const call = createTimedCall(options, dispatcher);
  return (async (url: string, init: RequestInit) => {
    // A query's fetches may be shared (and sent twice, see mayRetry); a mutation's never are.
    if (retryable.getStore() !== true) return fetcherResponseOf(url, await call(url, init, false));
    return fetcherResponseOf(url, await reads.share(sharedReadKey(init), () => call(url, init, true)));
  }) as unknown as Fetcher;
}

/** One call, its answer read whole within the deadline; a read is sent once more on a failed connection. */
function createTimedCall(options: SubgraphDataSourceOptions, dispatcher: Dispatcher) {
  return async (url: string, init: RequestInit, mayRetry: boolean): Promise<WholeAnswer> => {
    const startedAt = performance.now();
    // One deadline for the call, the retry and its backoff included.
    const signal = AbortSignal.timeout(options.timeoutMs);
    const send = async () => {
      const answer = await request(url, {
        method: (init.method ?? 'POST') as Dispatcher.HttpMethod,
        headers: {
          ...(init.headers as Record<string, string>),
          // What is left of that deadline, so the subgraph (and whatever it calls) answers within it.
          ...deadlineHeaders(options.timeoutMs - (performance.now() - startedAt)),
        },
        body: init.body as string,
        dispatcher,
        signal,
      });
      // Read to the end whatever the status, so that the connection goes back to the pool.
      return {
        status: answer.statusCode,
        headers: answer.headers as IncomingHttpHeaders,
        body: await answer.body.text(),
      };
    };
    let retried = false;
    const record = (outcome: SubgraphFetchOutcome) => {
      options.recordFetch(options.name, outcome, (performance.now() - startedAt) / 1000);
      if (retried) options.recordRetry(options.name, outcome);
    };
    try {
      const response = await send().catch(async (error: unknown) => {
        // Jittered, so that the retries of many calls cut by one restart do not land together.
        const backoffMs = RETRY_BACKOFF_MS.min + Math.random() * (RETRY_BACKOFF_MS.max - RETRY_BACKOFF_MS.min);
        const leftMs = options.timeoutMs - (performance.now() - startedAt);
        if (!mayRetry || !isConnectionFailure(error) || leftMs <= backoffMs) throw error;
        await wait(backoffMs);
        retried = true;
        return send();
      });
      record(response.status >= 200 && response.status < 300 ? 'ok' : 'http_error');
      return response;
    } catch (error) {
      record(isTimeoutError(error) ? 'timeout' : 'unreachable');
      throw new ServiceUnavailableError(
        isTimeoutError(error)
          ? `The ${options.name} service did not answer within ${options.timeoutMs} ms.`
          : `The ${options.name} service is unreachable.`,
      );
    }
  };
}
