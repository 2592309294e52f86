import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { Agent, fetch as undiciFetch } from 'undici';
import { ErrorCode, ServiceUnavailableError, isTimeoutError } from '@agora/errors';
import { INTERNAL_HEADERS, identityHeaders, propagationHeaders } from '@agora/service';
import type { SubgraphFetchOutcome } from './gatewayMetrics.js';
import type { GatewayContext } from './context.js';

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  gatewaySecret: string;
  timeoutMs: number;
  /** Keep-alive connections to this subgraph at most; calls beyond wait for one. */
  maxConnections: number;
  /** Times every call, by outcome. */
  recordFetch(subgraph: string, outcome: SubgraphFetchOutcome, seconds: number): void;
}

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
 * Fetch over a pool of keep-alive connections of its own, bounded, with a per-call deadline;
 * a miss becomes SERVICE_UNAVAILABLE naming the subgraph, not its URL. Node's global fetch
 * opens a new connection whenever all are busy: at 350 clients that was hundreds of sockets
 * per subgraph and stragglers of over 10 s; a bounded pool queues here instead, where the
 * deadline still applies.
 */
function createTimedFetcher(options: SubgraphDataSourceOptions): Fetcher {
  const dispatcher = new Agent({ connections: options.maxConnections, keepAliveTimeout: 30_000 });
  return (async (url: string, init: RequestInit) => {
    const startedAt = performance.now();
    const record = (outcome: SubgraphFetchOutcome) =>
      options.recordFetch(options.name, outcome, (performance.now() - startedAt) / 1000);
    try {
      const response = await undiciFetch(url, {
        ...(init as unknown as Parameters<typeof undiciFetch>[1]),
        dispatcher,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      record(response.ok ? 'ok' : 'http_error');
      return response;
    } catch (error) {
      record(isTimeoutError(error) ? 'timeout' : 'unreachable');
      throw new ServiceUnavailableError(
        isTimeoutError(error)
          ? `The ${options.name} service did not answer within ${options.timeoutMs} ms.`
          : `The ${options.name} service is unreachable.`,
      );
    }
  }) as unknown as Fetcher;
}
