import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER } from '@agora/service';
import {
  readConfig,
  readDatabaseUrl,
  readServiceConfig,
  type Env,
  type EnvReader,
  type ServiceConfig,
} from '@agora/config';
import type { AttemptLimits } from './domain/accounts.js';
import { DEFAULT_PASSWORD_HASHING, type PasswordHashing } from './domain/passwords.js';
import type { TokenSettings } from './domain/sessionTokens.js';

export interface UsersConfig {
  service: ServiceConfig;
  databaseUrl: string;
  tokens: TokenSettings;
  passwordHashing: PasswordHashing;
  revocationRepublishIntervalMs: number;
  attemptLimits: AttemptLimits;
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
    attemptLimits: readAttemptLimits(r),
    passwordHashing: {
      memoryKib: r.int('PASSWORD_HASH_MEMORY_KIB', { default: DEFAULT_PASSWORD_HASHING.memoryKib, min: 1024 }),
      timeCost: r.int('PASSWORD_HASH_TIME_COST', { default: DEFAULT_PASSWORD_HASHING.timeCost, min: 1, max: 10 }),
    },
  }));
}

/**
 * Login and registration limits, read the same way here and in the all-in-one launcher. The
 * login ones count failed logins only (see AttemptLimits); the account-wide one defaults to
 * ten times the per-address one, so no fewer than ten addresses can lock an account.
 */
export function readAttemptLimits(r: EnvReader): AttemptLimits {
  // These counted every login, the right ones too; a deployment still setting them must choose anew.
  for (const [gone, instead] of [
    ['LOGIN_LIMIT_PER_ACCOUNT', 'LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS and LOGIN_FAILURE_LIMIT_PER_ACCOUNT'],
    ['LOGIN_LIMIT_PER_ADDRESS', 'LOGIN_FAILURE_LIMIT_PER_ADDRESS'],
  ] as const) {
    if (r.optional(gone) !== undefined) r.problem(`${gone} is gone (logins count failures only now): set ${instead}`);
  }
  const limits = {
    loginFailuresPerAccountAndAddress: r.int('LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS', { default: 10, min: 1 }),
    loginFailuresPerAddress: r.int('LOGIN_FAILURE_LIMIT_PER_ADDRESS', { default: 100, min: 1 }),
    loginFailuresPerAccount: r.int('LOGIN_FAILURE_LIMIT_PER_ACCOUNT', { default: 100, min: 1 }),
    registerPerAddress: r.int('REGISTER_LIMIT_PER_ADDRESS', { default: 20, min: 1 }),
  };
  if (limits.loginFailuresPerAccount <= limits.loginFailuresPerAccountAndAddress) {
    r.problem(
      `LOGIN_FAILURE_LIMIT_PER_ACCOUNT (${limits.loginFailuresPerAccount}) must be above ` +
        `LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS (${limits.loginFailuresPerAccountAndAddress}), ` +
        'or one address could lock an account out',
    );
  }
  return limits;
}
