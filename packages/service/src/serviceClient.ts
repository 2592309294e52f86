import { ServiceUnavailableError, isTimeoutError } from '@agora/errors';
import { INTERNAL_HEADERS, identityHeaders, type Identity } from './identity.js';
import { propagationHeaders } from './telemetry/tracing.js';

export interface ServiceClientOptions {
  /** The service called, for error messages: 'inventory'. */
  service: string;
  /** Its GraphQL endpoint. */
  url: string;
  gatewaySecret: string;
  /** Deadline for one attempt. */
  timeoutMs?: number;
  /** Further attempts after a failed one, for calls that are safe to repeat. */
  retries?: number;
}

export interface RequestOptions {
  /** Forwarded as the caller, so the called subgraph authorises as for the user. */
  identity?: Identity | null;
  /**
   * Whether to try again after a timeout or a network error. Only for calls that are
   * idempotent, since a timed-out call may have taken effect.
   */
  retry?: boolean;
  /** The caller's own deadline: aborting it ends the call (and its retries) as a timeout does. */
  signal?: AbortSignal;
}

/** The called service answered, but with GraphQL errors: a bug or a contract mismatch. */
export class ServiceCallError extends Error {
  constructor(
    service: string,
    readonly messages: string[],
    /** Each error's `extensions.code` where it has one (SERVICE_UNAVAILABLE: its own dependency is away). */
    readonly codes: string[] = [],
  ) {
    super(`The ${service} service answered with errors: ${messages.join('; ')}`);
    this.name = 'ServiceCallError';
  }
}

export interface ServiceClient {
  request<Data>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<Data>;
}

interface GraphQLResponse<Data> {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: unknown } }[];
}

/**
 * Calls another subgraph's own GraphQL endpoint, as the gateway would, with the gateway
 * secret: every service-to-service call goes through the same door, with a deadline and
 * a bounded number of retries.
 */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const retries = options.retries ?? 2;

  async function attempt<Data>(
    body: string,
    identity: Identity | null,
    signal: AbortSignal | undefined,
  ): Promise<GraphQLResponse<Data>> {
    const response = await fetch(options.url, {
      method: 'POST',
      headers: {
        // The caller's trace and request id, so a checkout reads as one request end to end;
        // first, so that nothing in them can stand in for the headers below.
        ...propagationHeaders(),
        'content-type': 'application/json',
        [INTERNAL_HEADERS.gatewaySecret]: options.gatewaySecret,
        ...identityHeaders(identity),
      },
      body,
      signal:
        signal === undefined
          ? AbortSignal.timeout(timeoutMs)
          : AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]),
    });
    if (response.status >= 500) throw new Error(`HTTP ${response.status}`);
    return (await response.json()) as GraphQLResponse<Data>;
  }

  return {
    async request<Data>(query: string, variables: Record<string, unknown> = {}, requestOptions: RequestOptions = {}) {
      const body = JSON.stringify({ query, variables });
      const attempts = requestOptions.retry === false ? 1 : retries + 1;
      let lastError: unknown;
      const signal = requestOptions.signal;
      for (let n = 0; n < attempts && signal?.aborted !== true; n++) {
        if (n > 0) await delay(backoffMs(n));
        try {
          const result = await attempt<Data>(body, requestOptions.identity ?? null, signal);
          if (result.errors !== undefined && result.errors.length > 0) {
            throw new ServiceCallError(
              options.service,
              result.errors.map((error) => error.message),
              result.errors.flatMap(({ extensions }) =>
                typeof extensions?.code === 'string' ? [extensions.code] : [],
              ),
            );
          }
          if (result.data === undefined || result.data === null) {
            throw new ServiceCallError(options.service, ['no data']);
          }
          return result.data;
        } catch (error) {
          if (error instanceof ServiceCallError) throw error;
          lastError = error;
        }
      }
      throw new ServiceUnavailableError(
        `The ${options.service} service did not answer (${describe(lastError)}); please try again.`,
      );
    },
  };
}

/** Exponential backoff with full jitter: 0–50 ms, 0–100 ms, 0–200 ms, … */
function backoffMs(attempt: number): number {
  return Math.random() * 50 * 2 ** (attempt - 1);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(error: unknown): string {
  return isTimeoutError(error) ? 'timed out' : 'unreachable';
}
