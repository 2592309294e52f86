import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ErrorCode } from '@agora/errors';
import { INTERNAL_HEADERS } from './identity.js';

/** Compares in constant time, so response timing does not reveal the secret bit by bit. */
export function isGatewaySecret(candidate: unknown, secret: string): boolean {
  if (typeof candidate !== 'string') return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(candidate), digest(secret));
}

/** The answer (HTTP 403) to a request without the gateway secret, however the subgraph is hosted. */
export const NOT_FROM_GATEWAY = {
  errors: [
    {
      message: 'This service only answers requests from the Agora gateway.',
      extensions: { code: ErrorCode.Forbidden },
    },
  ],
} as const;

/**
 * Refuses every request that does not carry the gateway secret: without it nobody can
 * reach `_entities`, `_service`, internal fields, or pose as a user by setting headers.
 */
export function requireGatewaySecret(secret: string): RequestHandler {
  return (req, res, next) => {
    if (isGatewaySecret(req.headers[INTERNAL_HEADERS.gatewaySecret], secret)) {
      next();
      return;
    }
    res.status(403).json(NOT_FROM_GATEWAY);
  };
}
