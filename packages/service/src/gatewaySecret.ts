import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ErrorCode } from '@agora/errors';
import { errorResponse, type EdgeResponse } from './http/edgeResponse.js';
import { INTERNAL_HEADERS } from './identity.js';

/** Compares in constant time, so response timing does not reveal the secret bit by bit. */
export function isGatewaySecret(candidate: unknown, secret: string): boolean {
  if (typeof candidate !== 'string') return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(candidate), digest(secret));
}

/**
 * The refusal (HTTP 403) of a request without the gateway secret, however the subgraph is
 * hosted: without it nobody can reach `_entities`, `_service`, internal fields, or pose as a
 * user by setting headers. Undefined for a request that carries it.
 */
export function refuseWithoutGatewaySecret(
  secret: () => string,
): (request: { headers: IncomingHttpHeaders }) => EdgeResponse | undefined {
  return (request) =>
    isGatewaySecret(request.headers[INTERNAL_HEADERS.gatewaySecret], secret())
      ? undefined
      : errorResponse(403, ErrorCode.Forbidden, 'This service only answers requests from the Agora gateway.');
}
