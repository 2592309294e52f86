import { createPublicKey, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, type JWTHeaderParameters } from 'jose';
import { UnauthenticatedError } from '@agora/errors';
import { TOKEN_ALGORITHM, type Identity } from '@agora/service';

export interface TokenSettings {
  /** Public keys by key id (`kid`), so keys can be rotated: old and new both verify. */
  publicKeys: Record<string, string>;
  issuer: string;
  audience: string;
}

/** A verified token: whom it names, and until when it is accepted. */
export interface VerifiedSession {
  identity: Identity;
  /** When the token expires (its `exp`), in milliseconds since the epoch. */
  expiresAtMs: number;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/** Small allowance for clocks that disagree between users and the gateway. */
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Verifies session tokens: Ed25519 signature by a known key id, issuer, audience, expiry,
 * and the claims Agora needs (subject = user id, `sid` = session id). Anything else is an
 * UNAUTHENTICATED error, never an anonymous request.
 */
export function createTokenVerifier(settings: TokenSettings) {
  const keys = new Map<string, KeyObject>(
    Object.entries(settings.publicKeys).map(([keyId, pem]) => [keyId, createPublicKey(pem)]),
  );
  const keyFor = (header: JWTHeaderParameters): KeyObject => {
    const key = header.kid === undefined ? undefined : keys.get(header.kid);
    if (key === undefined) throw new UnauthenticatedError('The token was signed with an unknown key.');
    return key;
  };

  return {
    /** The session an `Authorization` value carries, or null when there is none. */
    async verify(authorization: string | undefined): Promise<VerifiedSession | null> {
      if (authorization === undefined || authorization === '') return null;
      const match = BEARER.exec(authorization);
      if (match?.[1] === undefined)
        throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
      try {
        const { payload } = await jwtVerify(match[1], keyFor, {
          algorithms: [TOKEN_ALGORITHM],
          issuer: settings.issuer,
          audience: settings.audience,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['exp', 'sub'],
        });
        const sessionId = payload['sid'];
        if (typeof payload.sub !== 'string' || typeof sessionId !== 'string') {
          throw new UnauthenticatedError('The token does not name a user session.');
        }
        return { identity: { userId: payload.sub, sessionId }, expiresAtMs: (payload.exp as number) * 1000 };
      } catch (error) {
        throw toAuthenticationError(error);
      }
    },
  };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;

function toAuthenticationError(error: unknown): UnauthenticatedError {
  if (error instanceof UnauthenticatedError) return error;
  if (error instanceof joseErrors.JWTExpired) return new UnauthenticatedError('The token has expired; log in again.');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return new UnauthenticatedError(`The token is not valid here (${error.claim} claim).`);
  }
  return new UnauthenticatedError('The token is not valid.');
}
