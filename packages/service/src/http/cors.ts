import type { IncomingHttpHeaders } from 'node:http';
import type { EdgeResponse } from './edgeResponse.js';

/**
 * Which browser origins may call (`*` for any: tokens travel in a header, never in cookies,
 * so no origin gains a visitor's rights by calling). The headers are those the `cors` package
 * sent with the same settings, which the gateway used before: preflights reflect the headers
 * asked for and allow the usual methods.
 */
export interface CorsPolicy {
  origins: readonly string[];
}

const PREFLIGHT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

/** Response headers a page may read besides the safe ones: when to retry, and which request it was. */
const EXPOSED_HEADERS = 'retry-after, x-request-id';

/** The headers every answer to `headers`' origin carries. */
export function corsHeaders(policy: CorsPolicy, headers: IncomingHttpHeaders): Record<string, string> {
  if (policy.origins.includes('*'))
    return { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED_HEADERS };
  const origin = headers.origin;
  // Varies by origin whether allowed or not, so a shared cache never hands one origin's answer to another.
  if (origin === undefined || !policy.origins.includes(origin)) return { vary: 'Origin' };
  return { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': EXPOSED_HEADERS };
}

/** The answer to a preflight (any OPTIONS request): 204 with what the browser asked to send. */
export function preflightResponse(policy: CorsPolicy, headers: IncomingHttpHeaders): EdgeResponse {
  const asked = headers['access-control-request-headers'];
  const allowed = corsHeaders(policy, headers);
  return {
    status: 204,
    headers: {
      ...allowed,
      'access-control-allow-methods': PREFLIGHT_METHODS,
      ...(asked === undefined || asked === '' ? {} : { 'access-control-allow-headers': asked }),
      vary: allowed['vary'] === undefined ? 'Access-Control-Request-Headers' : 'Origin, Access-Control-Request-Headers',
      'content-length': '0',
    },
    body: '',
  };
}
