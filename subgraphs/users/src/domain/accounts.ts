import { createHash } from 'node:crypto';
import { checkTextLength, type InputProblem } from '@agora/errors';
import {
  addressCheck,
  addressLimitKey,
  firstExceededLimit,
  reserveWithinLimits,
  revokedSessionKey,
  type Identity,
  type Logger,
  type RateLimitCheck,
} from '@agora/service';
import { TOPICS, type KeyValueStore, type PubSub, type RateLimiter, type SessionRevokedEvent } from '@agora/adapters';
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
 * store, logins and registrations are refused rather than left open to guessing. Logins
 * count only when they fail: the right password uses up nothing, and an address that has not
 * failed at an account still gets its try when others filled the account's limit, so nobody
 * can lock an owner out by spending a budget the owner needs.
 */
export interface AttemptLimits {
  /**
   * Failed logins naming one email from one client address per 15 minutes, whether the account
   * exists or not: a guesser locks only their own address out of that account.
   */
  loginFailuresPerAccountAndAddress: number;
  /** Failed logins from one client address per 15 minutes, whatever emails they name. */
  loginFailuresPerAddress: number;
  /**
   * Failed logins naming one email per 15 minutes from all addresses together, against
   * guessing spread over many addresses. Over it the account refuses every address that has
   * already failed at it in the window; an address that has not (the owner's, most likely) still
   * gets its try. It must be well above `loginFailuresPerAccountAndAddress`: one address adds at
   * most that many.
   */
  loginFailuresPerAccount: number;
  /** Registrations from one client address per hour, whatever they answer (`EmailTaken` too). */
  registerPerAddress: number;
}

const LOGIN_WINDOW_SECONDS = 15 * 60;
const REGISTER_WINDOW_SECONDS = 60 * 60;

export interface AccountDeps {
  store: UserStore;
  passwords: PasswordHasher;
  tokens: TokenIssuer;
  kv: KeyValueStore;
  /** Where each logout is announced, so that gateways close that session's sockets at once. */
  pubsub: PubSub;
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

/**
 * What a failed login counts against: its address across all emails, its email from that
 * address, and its email from everywhere. Without a known address (a call that did not come
 * through the gateway) only the last.
 */
/** The login limits of one email from one address: the address's own, then the pair's. */
function loginChecksFromAddress(
  limits: AttemptLimits,
  email: string,
  clientAddress: string | null,
): RateLimitCheck<AttemptLimitedBy>[] {
  if (clientAddress === null) return [];
  return [
    ...addressCheck(
      'users:login-failures:address',
      clientAddress,
      limits.loginFailuresPerAddress,
      LOGIN_WINDOW_SECONDS,
    ),
    {
      by: 'account',
      key: accountAddressKey(email, clientAddress),
      limit: limits.loginFailuresPerAccountAndAddress,
      windowSeconds: LOGIN_WINDOW_SECONDS,
    },
  ];
}

function accountAddressKey(email: string, clientAddress: string): string {
  return `users:login-failures:account-address:${accountKey(email)}:${addressLimitKey(clientAddress)}`;
}

function accountWideCheck(limits: AttemptLimits, email: string): RateLimitCheck<AttemptLimitedBy> {
  return {
    by: 'account',
    key: `users:login-failures:account:${accountKey(email)}`,
    limit: limits.loginFailuresPerAccount,
    windowSeconds: LOGIN_WINDOW_SECONDS,
  };
}

/** Registration, login and logout: the rules, with storage and crypto injected. */
export function createAccounts(deps: AccountDeps) {
  const now = deps.now ?? (() => new Date());
  const limitOptions = { whenUnavailable: 'refuse', logger: deps.logger } as const;

  async function overLimit(checks: RateLimitCheck<AttemptLimitedBy>[]): Promise<AuthOutcome | null> {
    const exceeded = await firstExceededLimit(deps.limiter, checks, limitOptions);
    return exceeded === null ? null : { kind: 'rateLimited', ...exceeded };
  }

  /** Marks a session revoked in the shared store until its tokens would expire anyway. */
  async function publishRevocation(sessionId: string, expiresAt: Date): Promise<void> {
    const secondsLeft = Math.ceil((expiresAt.getTime() - now().getTime()) / 1000);
    if (secondsLeft > 0) await deps.kv.set(revokedSessionKey(sessionId), 'revoked', secondsLeft);
  }

  /**
   * Tells the gateways now, so that a socket of this session closes at once. Pub/sub may lose
   * it (delivery is at most once); the gateways also check the shared store on every operation
   * and sweep open sockets, so a lost announcement only delays the close.
   */
  async function announceRevocation(sessionId: string): Promise<void> {
    const event: SessionRevokedEvent = { sessionId };
    await deps.pubsub.publish(TOPICS.sessionRevoked, event).catch((error: unknown) => {
      deps.logger.warn('could not announce a revoked session; gateways will find it on their next sweep', { error });
    });
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
      // Counted before the password is compared, so that racing guesses cannot all pass;
      // given back unless the password was wrong, so only failures fill the limits.
      const fromHere = await reserveWithinLimits(
        deps.limiter,
        loginChecksFromAddress(deps.limits, input.email, clientAddress),
        limitOptions,
      );
      if (fromHere.exceeded !== null) return { kind: 'rateLimited', ...fromHere.exceeded };
      const accountWide = await reserveWithinLimits(
        deps.limiter,
        [accountWideCheck(deps.limits, input.email)],
        limitOptions,
      );
      // An address that has not failed at this account in this window gets its try even when
      // failures elsewhere filled the account-wide limit: otherwise a handful of addresses would
      // lock the owner out. A guesser gets one try per fresh address per window, no more.
      const freshAddress =
        clientAddress !== null && fromHere.hits.get(accountAddressKey(input.email, clientAddress)) === 1;
      if (accountWide.exceeded !== null && !freshAddress) {
        await fromHere.release();
        return { kind: 'rateLimited', ...accountWide.exceeded };
      }
      const reservation = {
        release: async () => {
          await fromHere.release();
          await accountWide.release();
        },
      };
      let failed = false;
      try {
        const found = await deps.store.findCredentialsByEmail(normaliseEmail(input.email));
        const matches = await deps.passwords.verify(found?.passwordHash ?? null, input.password);
        if (found === null || !matches) {
          failed = true;
          return { kind: 'invalidCredentials' };
        }
        const expiresAt = deps.tokens.expiryFrom(now());
        const session = await deps.store.insertSession(found.user.id, expiresAt);
        const token = await deps.tokens.issue(found.user.id, session.id, expiresAt);
        return { kind: 'authenticated', user: found.user, token };
      } finally {
        // An error is no wrong password either.
        if (!failed) await reservation.release();
      }
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
      await announceRevocation(session.id);
      return true;
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
