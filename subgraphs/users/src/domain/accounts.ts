import { createHash } from 'node:crypto';
import { checkTextLength, type InputProblem } from '@agora/errors';
import {
  addressCheck,
  firstExceededLimit,
  revokedSessionKey,
  type Identity,
  type Logger,
  type RateLimitCheck,
} from '@agora/service';
import type { KeyValueStore, RateLimiter } from '@agora/adapters';
import type { UserRecord, UserStore } from '../store/userStore.js';
import { PASSWORD_LIMITS, type PasswordHasher } from './passwords.js';
import type { IssuedToken, TokenIssuer } from './sessionTokens.js';

export interface RegisterInput {
  email: string;
  password: string;
  name: string;
}

export interface LoginInput {
  email: string;
  password: string;
}

export type AuthOutcome =
  | { kind: 'authenticated'; user: UserRecord; token: IssuedToken }
  | { kind: 'invalidCredentials' }
  | { kind: 'emailTaken'; email: string }
  | { kind: 'invalidInput'; problem: InputProblem }
  | { kind: 'rateLimited'; by: AttemptLimitedBy; retryAfterSeconds: number };

export type AttemptLimitedBy = 'account' | 'address';

/**
 * Attempts allowed per window, counted in the shared store so that every replica sees them.
 * They are checked before any password is hashed or compared, and fail closed: without the
 * store, logins and registrations are refused rather than left open to guessing.
 */
export interface AttemptLimits {
  /** Logins naming one email per 15 minutes, whether the account exists or not. */
  loginPerAccount: number;
  /** Logins from one client address per 15 minutes. */
  loginPerAddress: number;
  /** Registrations from one client address per hour. */
  registerPerAddress: number;
}

const LOGIN_WINDOW_SECONDS = 15 * 60;
const REGISTER_WINDOW_SECONDS = 60 * 60;

export interface AccountDeps {
  store: UserStore;
  passwords: PasswordHasher;
  tokens: TokenIssuer;
  kv: KeyValueStore;
  limiter: RateLimiter;
  limits: AttemptLimits;
  logger: Logger;
  now?: () => Date;
}

const EMAIL_PATTERN = /^[^\s@\0]+@[^\s@\0]+\.[^\s@\0]+$/;
const MAX_EMAIL_LENGTH = 254;

/** Emails are compared trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function checkRegistration(input: RegisterInput): InputProblem | null {
  const email = normaliseEmail(input.email);
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email)) {
    return { field: 'email', message: `"${input.email.slice(0, 100)}" is not a valid email address.` };
  }
  const passwordLength = [...input.password].length;
  if (passwordLength < PASSWORD_LIMITS.min || passwordLength > PASSWORD_LIMITS.max) {
    return {
      field: 'password',
      message: `Password must be ${PASSWORD_LIMITS.min} to ${PASSWORD_LIMITS.max} characters long (got ${passwordLength}).`,
    };
  }
  return checkTextLength('name', 'Name', input.name, { min: 1, max: 100 });
}

/** The limit key of an email: a digest, so that the shared store holds no addresses. */
function accountKey(email: string): string {
  return createHash('sha256').update(normaliseEmail(email)).digest('base64url');
}

/** Registration, login and logout: the rules, with storage and crypto injected. */
export function createAccounts(deps: AccountDeps) {
  const now = deps.now ?? (() => new Date());

  async function overLimit(checks: RateLimitCheck<AttemptLimitedBy>[]): Promise<AuthOutcome | null> {
    const exceeded = await firstExceededLimit(deps.limiter, checks, { whenUnavailable: 'refuse', logger: deps.logger });
    return exceeded === null ? null : { kind: 'rateLimited', ...exceeded };
  }

  /** Marks a session revoked in the shared store until its tokens would expire anyway. */
  async function publishRevocation(sessionId: string, expiresAt: Date): Promise<void> {
    const secondsLeft = Math.ceil((expiresAt.getTime() - now().getTime()) / 1000);
    if (secondsLeft > 0) await deps.kv.set(revokedSessionKey(sessionId), 'revoked', secondsLeft);
  }

  return {
    /** `clientAddress` is where the caller calls from, as the gateway saw it (null: not known). */
    async register(input: RegisterInput, clientAddress: string | null): Promise<AuthOutcome> {
      const problem = checkRegistration(input);
      if (problem !== null) return { kind: 'invalidInput', problem };
      const limited = await overLimit(
        addressCheck('users:register:address', clientAddress, deps.limits.registerPerAddress, REGISTER_WINDOW_SECONDS),
      );
      if (limited !== null) return limited;
      const email = normaliseEmail(input.email);
      const passwordHash = await deps.passwords.hash(input.password);
      const expiresAt = deps.tokens.expiryFrom(now());
      const created = await deps.store.insertUserWithSession(
        { email, name: input.name.trim(), passwordHash },
        expiresAt,
      );
      if (created === null) return { kind: 'emailTaken', email };
      const token = await deps.tokens.issue(created.user.id, created.session.id, expiresAt);
      return { kind: 'authenticated', user: created.user, token };
    },

    async login(input: LoginInput, clientAddress: string | null): Promise<AuthOutcome> {
      // Over-long input cannot match an account; refusing it early bounds hashing cost.
      if (
        input.password.length > PASSWORD_LIMITS.max * 4 ||
        input.email.length > MAX_EMAIL_LENGTH * 4 ||
        input.email.includes('\0')
      ) {
        return { kind: 'invalidCredentials' };
      }
      // The address first: a request refused for its address does not count against the
      // account, so one address cannot lock other people's accounts out.
      const limited = await overLimit([
        ...addressCheck('users:login:address', clientAddress, deps.limits.loginPerAddress, LOGIN_WINDOW_SECONDS),
        {
          by: 'account',
          key: `users:login:account:${accountKey(input.email)}`,
          limit: deps.limits.loginPerAccount,
          windowSeconds: LOGIN_WINDOW_SECONDS,
        },
      ]);
      if (limited !== null) return limited;
      const found = await deps.store.findCredentialsByEmail(normaliseEmail(input.email));
      const matches = await deps.passwords.verify(found?.passwordHash ?? null, input.password);
      if (found === null || !matches) return { kind: 'invalidCredentials' };
      const expiresAt = deps.tokens.expiryFrom(now());
      const session = await deps.store.insertSession(found.user.id, expiresAt);
      const token = await deps.tokens.issue(found.user.id, session.id, expiresAt);
      return { kind: 'authenticated', user: found.user, token };
    },

    /**
     * Writes every revoked, unexpired session to the shared store again, so the gateway
     * keeps refusing their tokens after the store lost them (an in-process store after a
     * restart, a Redis without persistence after its own).
     */
    async republishRevocations(): Promise<number> {
      const sessions = await deps.store.findRevokedLiveSessions();
      for (const session of sessions) await publishRevocation(session.id, session.expiresAt);
      return sessions.length;
    },

    /**
     * Revokes the caller's session: durably in PostgreSQL, and in the shared store the
     * gateway checks on every request, until the session's tokens would expire anyway.
     */
    async logout(viewer: Identity): Promise<boolean> {
      const session = await deps.store.findAndRevokeSession(viewer.sessionId, viewer.userId);
      if (session === null) return false;
      await publishRevocation(session.id, session.expiresAt);
      return true;
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
