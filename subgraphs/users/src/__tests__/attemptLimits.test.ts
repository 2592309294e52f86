import { MemRateLimiter, type RateLimiter } from '@agora/adapters';
import { silentLogger } from '@agora/service';
import { errorCodes } from '@agora/testkit';
import { createAccounts } from '../domain/accounts.js';
import { createPasswordHasher, type PasswordHasher } from '../domain/passwords.js';
import { createTokenIssuer } from '../domain/sessionTokens.js';
import { createUserStore } from '../store/userStore.js';
import { LOGIN, REGISTER, startUsers, type UsersHarness } from './usersHarness.js';

interface AuthResult {
  __typename: string;
  message?: string;
}

const LIMITS = {
  loginFailuresPerAccountAndAddress: 3,
  loginFailuresPerAddress: 5,
  loginFailuresPerAccount: 7,
  registerPerAddress: 2,
};
const PASSWORD = 'the right password';

describe('users attempt limits', () => {
  let users: UsersHarness;

  beforeAll(async () => {
    users = await startUsers(undefined, { attemptLimits: LIMITS });
    await users.subgraph.request(
      REGISTER,
      { input: { email: 'owner@example.com', password: PASSWORD, name: 'Owner' } },
      null,
      'setup-address',
    );
  });

  afterAll(async () => {
    await users.stop();
  });

  const login = (email: string, password: string, address: string) =>
    users.subgraph.request<{ login: AuthResult }>(LOGIN, { input: { email, password } }, null, address);

  const register = (email: string, address: string) =>
    users.subgraph.request<{ register: AuthResult }>(
      REGISTER,
      { input: { email, password: 'correct horse battery', name: 'Someone' } },
      null,
      address,
    );

  /** A fresh account with PASSWORD, registered from an address of its own. */
  async function registerAccount(email: string): Promise<string> {
    const answer = await users.subgraph.request<{ register: AuthResult }>(
      REGISTER,
      { input: { email, password: PASSWORD, name: 'Someone' } },
      null,
      `home-of-${email}`,
    );
    expect(answer.data?.register.__typename).toBe('AuthPayload');
    return email;
  }

  /** The outcome of a login: its __typename, or its error codes. */
  async function outcome(email: string, password: string, address: string): Promise<string> {
    const answer = await login(email, password, address);
    return answer.data?.login.__typename ?? errorCodes(answer).join(',');
  }

  async function countSessions(): Promise<number> {
    const [row] = await users.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions');
    return row?.n ?? 0;
  }

  it('should refuse only the address that failed at an account, even with the right password, and let the owner in from another', async () => {
    for (let i = 0; i < LIMITS.loginFailuresPerAccountAndAddress; i++) {
      expect(await outcome('owner@example.com', `wrong guess ${i}`, 'guesser')).toBe('InvalidCredentials');
    }
    const sessionsBefore = await countSessions();
    // However long the guesser goes on, they fill nothing the owner needs.
    for (let i = 0; i < 2 * LIMITS.loginFailuresPerAccount; i++) {
      const refused = await login('OWNER@example.com', PASSWORD, 'guesser');
      expect(refused.data).toBeNull();
      expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
      expect(refused.errors?.[0]?.message).toMatch(/^Too many attempts for this email; try again in \d+ seconds\.$/);
      expect(refused.errors?.[0]?.extensions?.['retryAfter']).toBeGreaterThan(0);
    }
    expect(await countSessions()).toBe(sessionsBefore);
    expect(await outcome('owner@example.com', PASSWORD, 'owner-home')).toBe('AuthPayload');
    expect(await countSessions()).toBe(sessionsBefore + 1);
  });

  it('should count no successful login against any limit', async () => {
    const email = await registerAccount('regular@example.com');
    const logins = [];
    for (let i = 0; i < 2 * LIMITS.loginFailuresPerAccount; i++) {
      logins.push(await outcome(email, PASSWORD, 'regular'));
    }
    expect(logins).toEqual(Array(2 * LIMITS.loginFailuresPerAccount).fill('AuthPayload'));
    // The whole failure budget is still there.
    const guesses = [];
    for (let i = 0; i <= LIMITS.loginFailuresPerAccountAndAddress; i++) {
      guesses.push(await outcome(email, 'typo', 'regular'));
    }
    expect(guesses).toEqual([
      ...Array(LIMITS.loginFailuresPerAccountAndAddress).fill('InvalidCredentials'),
      'RATE_LIMITED',
    ]);
  });

  it('should answer a limited unknown email exactly as a limited existing one', async () => {
    for (let i = 0; i < LIMITS.loginFailuresPerAccountAndAddress; i++) {
      await login('nobody@example.com', 'guess', 'prober');
    }
    const unknown = await login('nobody@example.com', 'guess', 'prober');
    expect(errorCodes(unknown)).toEqual(['RATE_LIMITED']);
    expect(unknown.errors?.[0]?.message).toMatch(/^Too many attempts for this email; try again in \d+ seconds\.$/);
  });

  it('should refuse failed logins from one address after its limit, whatever accounts they name', async () => {
    const answers: string[] = [];
    for (let i = 0; i <= LIMITS.loginFailuresPerAddress; i++) {
      answers.push(await outcome(`sprayed-${i}@example.com`, 'guess', 'sprayer'));
    }
    expect(answers).toEqual([...Array(LIMITS.loginFailuresPerAddress).fill('InvalidCredentials'), 'RATE_LIMITED']);
    const refused = await login('sprayed-0@example.com', 'guess', 'sprayer');
    expect(refused.errors?.[0]?.message).toMatch(
      /^Too many attempts from your network address; try again in \d+ seconds\.$/,
    );
    // Another address is not affected.
    expect(await outcome('sprayed-0@example.com', 'guess', 'elsewhere')).toBe('InvalidCredentials');
  });

  it('should refuse the addresses that filled an account-wide limit, and let the owner in from a fresh one', async () => {
    const email = await registerAccount('targeted@example.com');
    // One address adds at most its own limit, so filling the account's takes several.
    const addresses = Math.ceil(LIMITS.loginFailuresPerAccount / LIMITS.loginFailuresPerAccountAndAddress);
    const answers: string[] = [];
    for (let i = 0; i < LIMITS.loginFailuresPerAccount; i++) {
      answers.push(await outcome(email, 'guess', `botnet-${i % addresses}`));
    }
    expect(answers).toEqual(Array(LIMITS.loginFailuresPerAccount).fill('InvalidCredentials'));
    // An address that failed before is refused now, the right password too.
    const again = await login(email, PASSWORD, 'botnet-0');
    expect(errorCodes(again)).toEqual(['RATE_LIMITED']);
    expect(again.errors?.[0]?.message).toMatch(/^Too many attempts for this email; try again in \d+ seconds\.$/);
    // The owner, on an address that has not failed here, gets in.
    expect((await login(email, PASSWORD, 'owner-new-phone')).data?.login.__typename).toBe('AuthPayload');
    // A fresh address gets one try past the account's limit, and only one.
    expect(await outcome(email, 'guess', 'fresh-guesser')).toBe('InvalidCredentials');
    expect(await outcome(email, 'guess', 'fresh-guesser')).toBe('RATE_LIMITED');
  });

  it('should count no login refused for a limit against anything (no lock-out from one address)', async () => {
    const email = await registerAccount('target@example.com');
    for (let i = 0; i < LIMITS.loginFailuresPerAddress; i++) await login(`filler-${i}@example.com`, 'guess', 'locker');
    for (let i = 0; i <= 2 * LIMITS.loginFailuresPerAccount; i++) {
      expect(await outcome(email, 'guess', 'locker')).toBe('RATE_LIMITED');
    }
    // The account's own limit is untouched: exactly its number of failures still answer.
    const answers: string[] = [];
    for (let i = 0; i <= LIMITS.loginFailuresPerAccount; i++) {
      answers.push(await outcome(email, 'guess', `somewhere-${i % 3}`));
    }
    expect(answers).toEqual([...Array(LIMITS.loginFailuresPerAccount).fill('InvalidCredentials'), 'RATE_LIMITED']);
  });

  it('should let no more racing wrong guesses compare a password than the limit allows', async () => {
    const email = await registerAccount('raced@example.com');
    const answers = await Promise.all(
      Array.from({ length: 4 * LIMITS.loginFailuresPerAccountAndAddress }, (_, i) =>
        outcome(email, `guess ${i}`, 'racer'),
      ),
    );
    expect(answers.filter((answer) => answer === 'InvalidCredentials')).toHaveLength(
      LIMITS.loginFailuresPerAccountAndAddress,
    );
    expect(answers.filter((answer) => answer === 'RATE_LIMITED')).toHaveLength(
      3 * LIMITS.loginFailuresPerAccountAndAddress,
    );
  });

  it('should count registrations answered EmailTaken against the per-address limit, so probing for accounts stops', async () => {
    const answers = [];
    for (let i = 0; i <= LIMITS.registerPerAddress; i++) {
      answers.push((await register('owner@example.com', 'enumerator')).data?.register.__typename ?? 'refused');
    }
    expect(answers).toEqual([...Array(LIMITS.registerPerAddress).fill('EmailTaken'), 'refused']);
    const fresh = await register('fresh@example.com', 'enumerator');
    expect(errorCodes(fresh)).toEqual(['RATE_LIMITED']);
  });

  it('should refuse registrations from one address after its limit and create no user', async () => {
    expect((await register('first@example.com', 'signup-desk')).data?.register.__typename).toBe('AuthPayload');
    expect((await register('second@example.com', 'signup-desk')).data?.register.__typename).toBe('AuthPayload');
    const refused = await register('third@example.com', 'signup-desk');
    expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
    expect(refused.errors?.[0]?.message).toMatch(
      /^Too many attempts from your network address; try again in \d+ seconds\.$/,
    );
    const rows = await users.database.db.query("SELECT 1 FROM users WHERE email = 'third@example.com'");
    expect(rows).toHaveLength(0);
  });

  describe('when the limits cannot be read', () => {
    let broken: UsersHarness;
    const unreachable: RateLimiter = {
      hit: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
      refund: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
    };

    beforeAll(async () => {
      broken = await startUsers(undefined, { attemptLimits: LIMITS, rateLimiter: unreachable });
    });

    afterAll(async () => {
      await broken.stop();
    });

    it('should refuse logins and registrations with SERVICE_UNAVAILABLE and write nothing', async () => {
      const loginAnswer = await broken.subgraph.request(
        LOGIN,
        { input: { email: 'anyone@example.com', password: 'whatever it is' } },
        null,
        'somewhere',
      );
      expect(errorCodes(loginAnswer)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(loginAnswer.errors?.[0]?.message).toBe('This cannot be done right now; please try again shortly.');
      const registerAnswer = await broken.subgraph.request(
        REGISTER,
        { input: { email: 'new@example.com', password: 'correct horse battery', name: 'New' } },
        null,
        'somewhere',
      );
      expect(errorCodes(registerAnswer)).toEqual(['SERVICE_UNAVAILABLE']);
      const [row] = await broken.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
      expect(row?.n).toBe(0);
    });
  });

  describe('argon2 work: the same whether an account exists, none when a limit refuses', () => {
    /** Counts the argon2 work each path does; equal work means equal timing, without a stopwatch. */
    function countingHasher(real: PasswordHasher) {
      const calls = { hash: 0, verify: 0 };
      const hasher: PasswordHasher = {
        hash: (password) => {
          calls.hash++;
          return real.hash(password);
        },
        verify: (hash, password) => {
          calls.verify++;
          return real.verify(hash, password);
        },
      };
      return { hasher, calls };
    }

    function accountsWith(
      hasher: PasswordHasher,
      limits = {
        loginFailuresPerAccountAndAddress: 100,
        loginFailuresPerAddress: 100,
        loginFailuresPerAccount: 1_000,
        registerPerAddress: 100,
      },
    ) {
      return createAccounts({
        store: createUserStore(users.database.db),
        passwords: hasher,
        tokens: createTokenIssuer({
          privateKeyPem: users.keys.privateKeyPem,
          keyId: users.keys.keyId,
          issuer: 'agora-users',
          audience: 'agora',
          ttlSeconds: 60,
        }),
        kv: users.kv,
        pubsub: users.pubsub,
        limiter: new MemRateLimiter(),
        limits,
        logger: silentLogger,
      });
    }

    it('should do one password comparison whether the email is unknown or the password wrong', async () => {
      const { hasher, calls } = countingHasher(createPasswordHasher({ memoryKib: 1024, timeCost: 1 }));
      const accounts = accountsWith(hasher);
      expect((await accounts.login({ email: 'ghost@example.com', password: 'a password' }, null)).kind).toBe(
        'invalidCredentials',
      );
      expect(calls).toEqual({ hash: 0, verify: 1 });
      expect((await accounts.login({ email: 'owner@example.com', password: 'wrong password' }, null)).kind).toBe(
        'invalidCredentials',
      );
      expect(calls).toEqual({ hash: 0, verify: 2 });
    });

    it('should hash the password before finding out that an email is taken, as for a new one', async () => {
      const { hasher, calls } = countingHasher(createPasswordHasher({ memoryKib: 1024, timeCost: 1 }));
      const accounts = accountsWith(hasher);
      const taken = await accounts.register(
        { email: 'owner@example.com', password: 'correct horse battery', name: 'Copycat' },
        null,
      );
      expect(taken.kind).toBe('emailTaken');
      expect(calls).toEqual({ hash: 1, verify: 0 });
    });

    it('should compare no password for a login a limit refuses, the right one included', async () => {
      const { hasher, calls } = countingHasher(createPasswordHasher({ memoryKib: 1024, timeCost: 1 }));
      const accounts = accountsWith(hasher, { ...LIMITS, loginFailuresPerAccountAndAddress: 2 });
      const attempt = (password: string) => accounts.login({ email: 'owner@example.com', password }, 'guesser');
      expect([(await attempt('wrong one')).kind, (await attempt('wrong two')).kind]).toEqual([
        'invalidCredentials',
        'invalidCredentials',
      ]);
      expect([(await attempt('wrong three')).kind, (await attempt(PASSWORD)).kind]).toEqual([
        'rateLimited',
        'rateLimited',
      ]);
      expect(calls).toEqual({ hash: 0, verify: 2 });
    });

    it('should hash no password for a registration its limit refuses, counting an EmailTaken answer', async () => {
      const { hasher, calls } = countingHasher(createPasswordHasher({ memoryKib: 1024, timeCost: 1 }));
      const accounts = accountsWith(hasher, { ...LIMITS, registerPerAddress: 1 });
      const probe = (email: string) =>
        accounts.register({ email, password: 'correct horse battery', name: 'Prober' }, 'enumerator');
      expect((await probe('owner@example.com')).kind).toBe('emailTaken');
      expect((await probe('never-registered@example.com')).kind).toBe('rateLimited');
      expect(calls).toEqual({ hash: 1, verify: 0 });
    });
  });
});
