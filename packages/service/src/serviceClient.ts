import { Pool, type Dispatcher } from 'undici';
import { ServiceUnavailableError } from '@agora/errors';
import { deadlineHeaders, msLeft } from './deadline.js';
import { INTERNAL_HEADERS, identityHeaders, type Identity } from './identity.js';
import { propagationHeaders } from './telemetry/tracing.js';

export interface ServiceClientOptions {
  /** The service called, for error messages: 'inventory'. */
  service: string;
  /** Its GraphQL endpoint. Never named in an error. */
  url: string;
  gatewaySecret: string;
  /**
   * Deadline for one attempt, in ms (default 2,000), to the resolution of undici's timers (half a
   * second, and about a second at the least); shortened to fit what is left of the caller's.
   */
  timeoutMs?: number;
  /** Further attempts after a failed one, for calls that are safe to repeat (default 2). */
  retries?: number;
  /** Keep-alive connections to the service at most (default 16); calls beyond wait for a free one. */
  maxConnections?: number;
  /** How long an idle connection is kept for the next call, in ms (default 30,000; a shorter keep-alive the service announces wins). */
  keepAliveMs?: number;
}

export interface RequestOptions {
  /** Forwarded as the caller, so the called subgraph authorises as for the user. */
  identity?: Identity | null;
  /**
   * Whether to try again after a timeout or a network error. Only for calls that are
   * idempotent, since a timed-out call may have taken effect.
   */
  retry?: boolean;
  /**
   * The caller's own deadline (epoch ms, `Date.now()`'s clock), usually its request's (see
   * `readDeadline`): each attempt is bounded by, and tells the service, what is left of it, and
   * no attempt begins once it has passed.
   */
  deadline?: number;
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

/**
 * Why a call got no answer: its deadline passed (`timedOut`), no connection (`unreachable`),
 * an HTTP 5xx (`failed`), or no time was left to begin it (`outOfTime`).
 */
export type NoAnswerReason = 'timedOut' | 'unreachable' | 'failed' | 'outOfTime';

/**
 * A call that may succeed when made again (SERVICE_UNAVAILABLE to whoever asked), naming the
 * service, never its URL or what it answered.
 */
export class ServiceNoAnswerError extends ServiceUnavailableError {
  constructor(
    readonly service: string,
    readonly reason: NoAnswerReason,
    /** The HTTP status of a `failed` call. */
    readonly status?: number,
  ) {
    super(
      reason === 'outOfTime'
        ? `The ${service} service was not called: no time was left before the deadline; please try again.`
        : `The ${service} service did not answer (${reasonText(reason, status)}); please try again.`,
    );
    this.name = 'ServiceNoAnswerError';
  }
}

function reasonText(reason: Exclude<NoAnswerReason, 'outOfTime'>, status: number | undefined): string {
  switch (reason) {
    case 'timedOut':
      return 'timed out';
    case 'unreachable':
      return 'unreachable';
    case 'failed':
      return `HTTP ${status ?? 'error'}`;
  }
}

export interface ServiceClient {
  request<Data>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<Data>;
}

/** A client with its own connections, which `close` ends (after the calls under way). */
export interface PooledServiceClient extends ServiceClient {
  close(): Promise<void>;
}

interface GraphQLResponse<Data> {
  data?: Data | null;
  errors?: { message?: unknown; extensions?: { code?: unknown } }[];
}

/** undici's errors for a deadline passed: waiting for the headers, between body chunks, or to connect. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * undici's request timers (headersTimeout, bodyTimeout) run on its own clock, which ticks
 * every 499 ms: a timer of `d` ms fires between max(d, 998) - 499 and max(d, 998) + 499 ms
 * after it was set. So an attempt bounded by the caller's deadline is timed `TIMER_SLACK_MS`
 * short of what is left (it ends by then however the ticks fall), is begun only while that
 * leaves at least undici's shortest timer, and the service is told the earliest the attempt
 * may give up.
 */
const TIMER_SLACK_MS = 500;
const SHORTEST_TIMER_MS = 1_000;

/** How one attempt is timed: `null` when what is left of `deadline` cannot fit one. */
function timerFor(timeoutMs: number, deadline: number | undefined): { timeoutMs: number; toldMs: number } | null {
  const leftMs = deadline === undefined ? Number.POSITIVE_INFINITY : msLeft(deadline);
  const timer = Math.max(1, Math.min(timeoutMs, leftMs - TIMER_SLACK_MS));
  const latestMs = Math.max(SHORTEST_TIMER_MS, timer) + TIMER_SLACK_MS;
  if (latestMs > leftMs) return null;
  return { timeoutMs: timer, toldMs: Math.max(SHORTEST_TIMER_MS, timer) - TIMER_SLACK_MS };
}

/**
 * Calls another subgraph's own GraphQL endpoint, as the gateway would, with the gateway
 * secret: every service-to-service call goes through the same door, over a bounded pool of
 * keep-alive connections (undici's request API), with a deadline and a bounded number of
 * retries, none begun past the caller's deadline.
 */
export function createServiceClient(options: ServiceClientOptions): PooledServiceClient {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const retries = options.retries ?? 2;
  const target = new URL(options.url);
  const path = `${target.pathname}${target.search}`;
  const pool = new Pool(target.origin, {
    connections: options.maxConnections ?? 16,
    keepAliveTimeout: options.keepAliveMs ?? 30_000,
    connectTimeout: timeoutMs,
  });

  /** One call timed by `timer`: its data, a ServiceCallError, or a ServiceNoAnswerError. */
  async function attempt<Data>(body: string, identity: Identity | null, timer: { timeoutMs: number; toldMs: number }) {
    let answer: Dispatcher.ResponseData;
    try {
      answer = await pool.request({
        path,
        method: 'POST',
        headers: {
          // The caller's trace and request id, so a checkout reads as one request end to end;
          // first, so that nothing in them can stand in for the headers below.
          ...propagationHeaders(),
          'content-type': 'application/json',
          [INTERNAL_HEADERS.gatewaySecret]: options.gatewaySecret,
          ...identityHeaders(identity),
          ...deadlineHeaders(timer.toldMs),
        },
        body,
        headersTimeout: timer.timeoutMs,
        bodyTimeout: timer.timeoutMs,
      });
    } catch (error) {
      throw noAnswer(error);
    }
    if (answer.statusCode >= 500) {
      // Read to the end all the same, or the connection cannot go back to the pool.
      await answer.body.dump().catch(() => undefined);
      throw new ServiceNoAnswerError(options.service, 'failed', answer.statusCode);
    }
    let text: string;
    try {
      text = await answer.body.text();
    } catch (error) {
      throw noAnswer(error);
    }
    return parseAnswer<Data>(text, answer.statusCode);
  }

  function noAnswer(error: unknown): ServiceNoAnswerError {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    return new ServiceNoAnswerError(
      options.service,
      typeof code === 'string' && TIMEOUT_CODES.has(code) ? 'timedOut' : 'unreachable',
    );
  }

  /** The data of an answer, or a ServiceCallError for errors, no data or a body that is not GraphQL's JSON. */
  function parseAnswer<Data>(text: string, status: number): Data {
    let result: GraphQLResponse<Data>;
    try {
      result = JSON.parse(text) as GraphQLResponse<Data>;
    } catch {
      throw new ServiceCallError(options.service, [`an answer that is not JSON (HTTP ${status})`]);
    }
    if (Array.isArray(result.errors) && result.errors.length > 0) {
      throw new ServiceCallError(
        options.service,
        result.errors.map((error) => String(error.message)),
        result.errors.flatMap(({ extensions }) => (typeof extensions?.code === 'string' ? [extensions.code] : [])),
      );
    }
    if (result.data === undefined || result.data === null) {
      throw new ServiceCallError(options.service, [`no data (HTTP ${status})`]);
    }
    return result.data;
  }

  return {
    async request<Data>(query: string, variables: Record<string, unknown> = {}, requestOptions: RequestOptions = {}) {
      const body = JSON.stringify({ query, variables });
      const attempts = requestOptions.retry === false ? 1 : retries + 1;
      const { deadline } = requestOptions;
      let lastError: ServiceNoAnswerError | undefined;
      for (let n = 0; n < attempts; n++) {
        if (n > 0) {
          const pauseMs = backoffMs(n);
          if (deadline !== undefined && Date.now() + pauseMs >= deadline) break;
          await delay(pauseMs);
        }
        const timer = timerFor(timeoutMs, deadline);
        if (timer === null) break;
        try {
          return await attempt<Data>(body, requestOptions.identity ?? null, timer);
        } catch (error) {
          if (!(error instanceof ServiceNoAnswerError)) throw error;
          lastError = error;
        }
      }
      throw lastError ?? new ServiceNoAnswerError(options.service, 'outOfTime');
    },
    close: () => pool.close(),
  };
}

/** Exponential backoff with full jitter: 0–50 ms, 0–100 ms, 0–200 ms, … */
function backoffMs(attempt: number): number {
  return Math.random() * 50 * 2 ** (attempt - 1);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
