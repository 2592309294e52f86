import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The request a piece of work belongs to: every log line written for it carries its id. */
export interface RequestScope {
  requestId: string;
}

const scopes = new AsyncLocalStorage<RequestScope>();

export const REQUEST_ID_HEADER = 'x-request-id';

/** A request id a caller may set (a proxy, another service): short and plain, or we make our own. */
const TRUSTED_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const given = headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && TRUSTED_ID.test(given) ? given : randomUUID();
}

/** Runs `work` inside `scope`: whatever it awaits or schedules still knows the request. */
export function runInRequestScope<T>(scope: RequestScope, work: () => T): T {
  return scopes.run(scope, work);
}

/** The current request's id, if this code runs for a request. */
export function currentRequestId(): string | undefined {
  return scopes.getStore()?.requestId;
}
