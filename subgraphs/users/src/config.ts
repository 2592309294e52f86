import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER } from '@agora/service';
import { readConfig, readDatabaseUrl, readServiceConfig, type Env, type ServiceConfig } from '@agora/config';
import { DEFAULT_PASSWORD_HASHING, type PasswordHashing } from './domain/passwords.js';
import type { TokenSettings } from './domain/sessionTokens.js';

export interface UsersConfig {
  service: ServiceConfig;
  databaseUrl: string;
  tokens: TokenSettings;
  passwordHashing: PasswordHashing;
  revocationRepublishIntervalMs: number;
}

export const USERS_DEFAULT_PORT = 4001;

/** Reads and validates the users service's settings (see its README for each one). */
export function loadUsersConfig(env: Env): UsersConfig {
  return readConfig('users', env, (r) => ({
    service: readServiceConfig(r, USERS_DEFAULT_PORT),
    databaseUrl: readDatabaseUrl(r, 'postgres://postgres@127.0.0.1:5432/agora_users'),
    tokens: {
      privateKeyPem: r.pem('JWT_PRIVATE_KEY', 'the Ed25519 private key (PKCS#8 PEM) that signs session tokens'),
      keyId: r.required('JWT_KEY_ID', 'the key id the gateway knows the matching public key by'),
      issuer: r.string('JWT_ISSUER', DEFAULT_TOKEN_ISSUER),
      audience: r.string('JWT_AUDIENCE', DEFAULT_TOKEN_AUDIENCE),
      ttlSeconds: r.int('TOKEN_TTL_SECONDS', { default: 3600, min: 60, max: 7 * 24 * 3600 }),
    },
    revocationRepublishIntervalMs: r.int('REVOCATION_REPUBLISH_INTERVAL_MS', { default: 60_000, min: 1_000 }),
    passwordHashing: {
      memoryKib: r.int('PASSWORD_HASH_MEMORY_KIB', { default: DEFAULT_PASSWORD_HASHING.memoryKib, min: 1024 }),
      timeCost: r.int('PASSWORD_HASH_TIME_COST', { default: DEFAULT_PASSWORD_HASHING.timeCost, min: 1, max: 10 }),
    },
  }));
}
