import { checkTextLength, type InputProblem } from '@agora/errors';
import { revokedSessionKey, type Identity } from '@agora/service';
import type { KeyValueStore } from '@agora/adapters';
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
  | { kind: 'invalidInput'; problem: InputProblem };

export interface AccountDeps {
  store: UserStore;
  passwords: PasswordHasher;
  tokens: TokenIssuer;
  kv: KeyValueStore;
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

/** Registration, login and logout: the rules, with storage and crypto injected. */
export function createAccounts(deps: AccountDeps) {
  const now = deps.now ?? (() => new Date());

  /** Marks a session revoked in the shared store until its tokens would expire anyway. */
  async function publishRevocation(sessionId: string, expiresAt: Date): Promise<void> {
    const secondsLeft = Math.ceil((expiresAt.getTime() - now().getTime()) / 1000);
    if (secondsLeft > 0) await deps.kv.set(revokedSessionKey(sessionId), 'revoked', secondsLeft);
  }

  return {
    async register(input: RegisterInput): Promise<AuthOutcome> {
      const problem = checkRegistration(input);
      if (problem !== null) return { kind: 'invalidInput', problem };
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

    async login(input: LoginInput): Promise<AuthOutcome> {
      // Over-long input cannot match an account; refusing it early bounds hashing cost.
      if (
        input.password.length > PASSWORD_LIMITS.max * 4 ||
        input.email.length > MAX_EMAIL_LENGTH * 4 ||
        input.email.includes('\0')
      ) {
        return { kind: 'invalidCredentials' };
      }
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
