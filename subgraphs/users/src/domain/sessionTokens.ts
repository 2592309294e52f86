import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { TOKEN_ALGORITHM } from '@agora/service';

export interface TokenSettings {
  privateKeyPem: string;
  keyId: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export interface TokenIssuer {
  /** When a session started now would expire. */
  expiryFrom(now: Date): Date;
  /** A signed token for the session: subject = user id, `sid` = session id. */
  issue(userId: string, sessionId: string, expiresAt: Date): Promise<IssuedToken>;
}

export function createTokenIssuer(settings: TokenSettings): TokenIssuer {
  const key: KeyObject = createPrivateKey(settings.privateKeyPem);
  return {
    expiryFrom: (now) => new Date(now.getTime() + settings.ttlSeconds * 1000),
    async issue(userId, sessionId, expiresAt) {
      const token = await new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: settings.keyId, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(settings.issuer)
        .setAudience(settings.audience)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, expiresAt };
    },
  };
}
