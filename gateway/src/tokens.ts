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

export interface TokenVerifierOptions {
  /**
   * Verified tokens kept, the least recently used dropped first: a session sends the same
   * token on every request, and its signature need not be checked again until it expires.
   */
  maxKeptTokens?: number;
  /** The clock (milliseconds), for tests. */
  now?: () => number;
}

const DEFAULT_KEPT_TOKENS = 10_000;

/**
 * Verifies session tokens: Ed25519 signature by a known key id, issuer, audience, expiry,
 * and the claims Agora needs (subject = user id, `sid` = session id). Anything else is an
 * UNAUTHENTICATED error, never an anonymous request.
 */
export function createTokenVerifier(settings: TokenSettings, options: TokenVerifierOptions = {}) {
  const now = options.now ?? Date.now;
  const kept = createKeptTokens(options.maxKeptTokens ?? DEFAULT_KEPT_TOKENS, now);
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
      const token = match?.[1];
      if (token === undefined) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
      const known = kept.find(token);
      if (known !== undefined) return known;
      try {
        const { payload } = await jwtVerify(token, keyFor, {
          algorithms: [TOKEN_ALGORITHM],
          issuer: settings.issuer,
          audience: settings.audience,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now()),
          requiredClaims: ['exp', 'sub'],
        });
        const sessionId = payload['sid'];
        if (typeof payload.sub !== 'string' || typeof sessionId !== 'string') {
          throw new UnauthenticatedError('The token does not name a user session.');
        }
        const session = { identity: { userId: payload.sub, sessionId }, expiresAtMs: (payload.exp as number) * 1000 };
        kept.keep(token, session);
        return session;
      } catch (error) {
        throw toAuthenticationError(error);
      }
    },
  };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;

/**
 * Tokens already verified, each until its expiry (with the same clock tolerance verification
 * allows), at most `max` of them. Only verified tokens are kept, keyed by the whole token, so
 * a token differing in one character (a forged signature) is verified afresh.
 */
function createKeptTokens(max: number, now: () => number) {
  const sessions = new Map<string, VerifiedSession>();
  return {
    find(token: string): VerifiedSession | undefined {
      const session = sessions.get(token);
      if (session === undefined) return undefined;
      sessions.delete(token);
      if (now() >= session.expiresAtMs + CLOCK_TOLERANCE_SECONDS * 1000) return undefined;
      // Map keeps insertion order: setting it again makes it the most recently used.
      sessions.set(token, session);
      return session;
    },
    keep(token: string, session: VerifiedSession): void {
      sessions.set(token, session);
      if (sessions.size > max) sessions.delete(sessions.keys().next().value as string);
    },
  };
}

function toAuthenticationError(error: unknown): UnauthenticatedError {
  if (error instanceof UnauthenticatedError) return error;
  if (error instanceof joseErrors.JWTExpired) return new UnauthenticatedError('The token has expired; log in again.');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return new UnauthenticatedError(`The token is not valid here (${error.claim} claim).`);
  }
  return new UnauthenticatedError('The token is not valid.');
}
