import type { KeyValueStore } from '@agora/adapters';
import { ServiceUnavailableError, UnauthenticatedError, withHttpStatus } from '@agora/errors';
import { revokedSessionKey, type Logger } from '@agora/service';
import type { TokenVerifier, VerifiedSession } from './tokens.js';

/**
 * The session a request's Authorization header names: a valid token whose session has not
 * been revoked (logout writes the revocation where every gateway can see it). A bad token
 * ends the request with HTTP 401. Without a reachable store the gateway cannot tell a
 * revoked session, so it refuses authenticated requests with 503 (fails closed) while
 * anonymous ones go on.
 */
export function createIdentityResolver(tokens: TokenVerifier, revocations: KeyValueStore, logger: Logger) {
  async function resolve(authorization: string | undefined): Promise<VerifiedSession | null> {
    const session = await tokens.verify(authorization);
    if (session === null) return null;
    let revoked: string | null;
    try {
      revoked = await revocations.get(revokedSessionKey(session.identity.sessionId));
    } catch (error) {
      logger.error('cannot read session revocations', { error });
      throw new ServiceUnavailableError('Sessions cannot be checked right now; please try again shortly.');
    }
    if (revoked !== null) throw new UnauthenticatedError('This session has ended; log in again.');
    return session;
  }

  return (authorization: string | undefined): Promise<VerifiedSession | null> =>
    resolve(authorization).catch((error: unknown) => {
      if (error instanceof UnauthenticatedError) throw withHttpStatus(error, 401);
      if (error instanceof ServiceUnavailableError) throw withHttpStatus(error, 503);
      throw error;
    });
}
