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

const LIMITS = { loginPerAccount: 3, loginPerAddress: 5, registerPerAddress: 2 };

describe('users attempt limits', () => {
  let users: UsersHarness;

  beforeAll(async () => {
    users = await startUsers(undefined, { attemptLimits: LIMITS });
    await users.subgraph.request(
      REGISTER,
      { input: { email: 'owner@example.com', password: 'the right password', name: 'Owner' } },
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

  async function countSessions(): Promise<number> {
    const [row] = await users.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions');
    return row?.n ?? 0;
  }

  it('should refuse logins naming one account after its limit, even with the right password, from any address', async () => {
    for (let i = 0; i < LIMITS.loginPerAccount; i++) {
      expect((await login('owner@example.com', 'a wrong guess', `guesser-${i}`)).data?.login.__typename).toBe(
        'InvalidCredentials',
      );
    }
    const sessionsBefore = await countSessions();
    const refused = await login('OWNER@example.com', 'the right password', 'owner-home');
    expect(refused.data).toBeNull();
    expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
    expect(refused.errors?.[0]?.message).toMatch(/^Too many attempts for this email; try again in \d+ seconds\.$/);
    expect(refused.errors?.[0]?.extensions?.['retryAfter']).toBeGreaterThan(0);
    expect(await countSessions()).toBe(sessionsBefore);
  });

  it('should answer a limited unknown email exactly as a limited existing one', async () => {
    for (let i = 0; i < LIMITS.loginPerAccount; i++) await login('nobody@example.com', 'guess', `prober-${i}`);
    const unknown = await login('nobody@example.com', 'guess', 'prober-last');
    expect(errorCodes(unknown)).toEqual(['RATE_LIMITED']);
    expect(unknown.errors?.[0]?.message).toMatch(/^Too many attempts for this email; try again in \d+ seconds\.$/);
  });

  it('should refuse logins from one address after its limit, whatever accounts they name', async () => {
    const answers: unknown[] = [];
    for (let i = 0; i <= LIMITS.loginPerAddress; i++) {
      answers.push(errorCodes(await login(`sprayed-${i}@example.com`, 'guess', 'sprayer')));
    }
    expect(answers.slice(0, LIMITS.loginPerAddress)).toEqual(Array(LIMITS.loginPerAddress).fill([]));
    expect(answers.at(-1)).toEqual(['RATE_LIMITED']);
    // Another address is not affected.
    expect(errorCodes(await login('sprayed-0@example.com', 'guess', 'elsewhere'))).toEqual([]);
  });

  it('should not count logins refused for their address against the account they name (no lock-out from one address)', async () => {
    await users.subgraph.request(
      REGISTER,
      { input: { email: 'target@example.com', password: 'the right password', name: 'Target' } },
      null,
      'target-home',
    );
    for (let i = 0; i < LIMITS.loginPerAddress; i++) await login(`filler-${i}@example.com`, 'guess', 'locker');
    for (let i = 0; i <= LIMITS.loginPerAccount; i++) {
      expect(errorCodes(await login('target@example.com', 'guess', 'locker'))).toEqual(['RATE_LIMITED']);
    }
    const own = await login('target@example.com', 'the right password', 'target-home');
    expect(own.data?.login.__typename).toBe('AuthPayload');
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

  describe('no account enumeration by timing', () => {
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

    function accountsWith(hasher: PasswordHasher) {
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
        limiter: new MemRateLimiter(),
        limits: { loginPerAccount: 100, loginPerAddress: 100, registerPerAddress: 100 },
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
  });
});
