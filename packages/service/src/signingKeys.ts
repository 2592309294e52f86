import { createHash, generateKeyPairSync } from 'node:crypto';

/** Ed25519 keys for session tokens: `users` signs with the private key, the gateway verifies. */
export interface SigningKeys {
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export const TOKEN_ALGORITHM = 'EdDSA';
export const DEFAULT_TOKEN_ISSUER = 'agora-users';
export const DEFAULT_TOKEN_AUDIENCE = 'agora';

/** A new key pair; the key id is derived from the public key, so it is stable per pair. */
export function generateSigningKeys(): SigningKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    keyId: createHash('sha256').update(publicKeyPem).digest('base64url').slice(0, 16),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem,
  };
}
