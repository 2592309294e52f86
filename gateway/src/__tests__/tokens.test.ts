import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { MemKeyValueStore } from '@agora/adapters';
import { generateSigningKeys, revokedSessionKey, silentLogger } from '@agora/service';
import { createIdentityResolver } from '../identity.js';
import { createTokenVerifier } from '../tokens.js';

describe('createTokenVerifier', () => {
  const keys = generateSigningKeys();
  const verifier = createTokenVerifier({
    publicKeys: { [keys.keyId]: keys.publicKeyPem },
    issuer: 'agora-users',
    audience: 'agora',
  });
  const now = Math.floor(Date.now() / 1000);

  function token(
    overrides: {
      kid?: string;
      iss?: string;
      aud?: string;
      exp?: number;
      nbf?: number;
      sid?: unknown;
      sub?: string;
    } = {},
  ) {
    const jwt = new SignJWT(overrides.sid === undefined ? { sid: 'session-1' } : { sid: overrides.sid as string })
      .setProtectedHeader({ alg: 'EdDSA', kid: overrides.kid ?? keys.keyId })
      .setSubject(overrides.sub ?? 'user-1')
      .setIssuer(overrides.iss ?? 'agora-users')
      .setAudience(overrides.aud ?? 'agora')
      .setIssuedAt()
      .setExpirationTime(overrides.exp ?? now + 600);
    if (overrides.nbf !== undefined) jwt.setNotBefore(overrides.nbf);
    return jwt.sign(createPrivateKey(keys.privateKeyPem));
  }

  it('should return the user and session a valid token names, and when it expires', async () => {
    expect(await verifier.verify(`Bearer ${await token()}`)).toEqual({
      identity: { userId: 'user-1', sessionId: 'session-1' },
      expiresAtMs: (now + 600) * 1000,
    });
  });

  it('should treat a request without Authorization as anonymous', async () => {
    expect(await verifier.verify(undefined)).toBeNull();
  });

  it.each([
    ['an expired token', () => token({ exp: now - 60 }), 'The token has expired; log in again.'],
    ['a token not valid yet', () => token({ nbf: now + 600 }), 'The token is not valid here (nbf claim).'],
    ['a wrong issuer', () => token({ iss: 'someone-else' }), 'The token is not valid here (iss claim).'],
    ['a wrong audience', () => token({ aud: 'other-app' }), 'The token is not valid here (aud claim).'],
    ['an unknown key id', () => token({ kid: 'rotated-away' }), 'The token was signed with an unknown key.'],
    ['no session id', () => token({ sid: 42 }), 'The token does not name a user session.'],
  ])('should refuse %s', async (_case, make, message) => {
    await expect(verifier.verify(`Bearer ${await make()}`)).rejects.toThrow(message);
  });

  it('should refuse an unsigned token (alg: none)', async () => {
    const unsigned = new UnsecuredJWT({ sid: 's' })
      .setSubject('user-1')
      .setIssuer('agora-users')
      .setAudience('agora')
      .setExpirationTime(now + 600)
      .encode();
    await expect(verifier.verify(`Bearer ${unsigned}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const withSignature = `${unsigned}AAAA`;
    await expect(verifier.verify(`Bearer ${withSignature}`)).rejects.toThrow('The token is not valid.');
  });

  /** Our claims and key id, signed by a forger with `alg` and `key`. */
  function forged(alg: string, key: Parameters<SignJWT['sign']>[0], expires = true) {
    const jwt = new SignJWT({ sid: 's' })
      .setProtectedHeader({ alg, kid: keys.keyId })
      .setSubject('user-1')
      .setIssuer('agora-users')
      .setAudience('agora');
    if (expires) jwt.setExpirationTime(now + 600);
    return jwt.sign(key);
  }

  it.each([
    [
      'signed with the public key as an HMAC secret (algorithm confusion)',
      () => forged('HS256', new TextEncoder().encode(keys.publicKeyPem)),
    ],
    [
      'signed RS256 by an RSA key (asymmetric algorithm swap)',
      () => forged('RS256', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
    ],
    ['signed by another Ed25519 key', () => forged('EdDSA', generateKeyPairSync('ed25519').privateKey)],
  ])('should refuse a token claiming our key id but %s', async (_case, make) => {
    await expect(verifier.verify(`Bearer ${await make()}`)).rejects.toThrow('The token is not valid.');
  });

  it('should refuse a token that never expires', async () => {
    const forever = await forged('EdDSA', createPrivateKey(keys.privateKeyPem), false);
    await expect(verifier.verify(`Bearer ${forever}`)).rejects.toThrow('The token is not valid here (exp claim).');
  });

  it('should refuse a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await token()).split('.');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'admin', sid: 's', iss: 'agora-users', aud: 'agora', exp: now + 600 }),
    ).toString('base64url');
    await expect(verifier.verify(`Bearer ${header}.${payload}.${signature}`)).rejects.toThrow(
      'The token is not valid.',
    );
  });

  it('should refuse an Authorization header that is not a bearer token', async () => {
    await expect(verifier.verify('Basic dXNlcjpwYXNz')).rejects.toThrow(
      'The Authorization header must be "Bearer <token>".',
    );
  });

  describe('verified tokens kept', () => {
    const settings = { publicKeys: { [keys.keyId]: keys.publicKeyPem }, issuer: 'agora-users', audience: 'agora' };

    it('should answer a token verified before with the session it found, without verifying it again', async () => {
      const keeping = createTokenVerifier(settings);
      const authorization = `Bearer ${await token()}`;
      const first = await keeping.verify(authorization);
      expect(await keeping.verify(authorization)).toBe(first);
    });

    it('should keep a token no longer than its expiry', async () => {
      let clock = now * 1000;
      const keeping = createTokenVerifier(settings, { now: () => clock });
      const authorization = `Bearer ${await token({ exp: now + 60 })}`;
      expect((await keeping.verify(authorization))?.identity.userId).toBe('user-1');
      clock = (now + 60 + 10) * 1000;
      await expect(keeping.verify(authorization)).rejects.toThrow('The token has expired; log in again.');
    });

    it('should keep at most as many tokens as it is told, dropping the least recently used', async () => {
      const keeping = createTokenVerifier(settings, { maxKeptTokens: 2 });
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(async (sid) => `Bearer ${await token({ sid })}`));
      const firstA = await keeping.verify(a);
      const firstB = await keeping.verify(b);
      expect(await keeping.verify(a)).toBe(firstA);
      await keeping.verify(c);
      // b was the least recently used: verified afresh, and keeping it again drops a.
      expect(await keeping.verify(b)).not.toBe(firstB);
      expect(await keeping.verify(b)).toEqual(firstB);
      expect(await keeping.verify(a)).not.toBe(firstA);
    });

    it('should still refuse a kept token at once when its session is revoked', async () => {
      const revocations = new MemKeyValueStore();
      const resolve = createIdentityResolver(createTokenVerifier(settings), revocations, silentLogger);
      const authorization = `Bearer ${await token({ sid: 'kept-session' })}`;
      expect((await resolve(authorization))?.identity.sessionId).toBe('kept-session');
      await revocations.set(revokedSessionKey('kept-session'), 'revoked', 60);
      await expect(resolve(authorization)).rejects.toThrow('This session has ended; log in again.');
    });
  });
});
