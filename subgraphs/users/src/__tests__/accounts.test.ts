import { createPublicKey } from 'node:crypto';
import { jwtVerify } from 'jose';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER, revokedSessionKey } from '@agora/service';
import { dataOf, errorCodes } from '@agora/testkit';
import { LOGIN, REGISTER, startUsers, type UsersHarness } from './usersHarness.js';

interface AuthResult {
  __typename: string;
  token?: string;
  expiresAt?: string;
  user?: { id: string; name?: string; email: string | null; createdAt?: string };
  code?: string;
  message?: string;
  field?: string;
}

describe('users accounts', () => {
  let users: UsersHarness;

  beforeAll(async () => {
    users = await startUsers();
  });

  afterAll(async () => {
    await users.stop();
  });

  async function register(email: string, password = 'correct horse battery', name = 'Grace Hopper') {
    return dataOf(
      await users.subgraph.request<{ register: AuthResult }>(REGISTER, { input: { email, password, name } }),
    ).register;
  }

  async function login(email: string, password: string) {
    return dataOf(await users.subgraph.request<{ login: AuthResult }>(LOGIN, { input: { email, password } })).login;
  }

  async function countRows(table: 'users' | 'sessions') {
    const [row] = await users.database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    return row?.n;
  }

  describe('register', () => {
    it('should create the user with an argon2id hash and return a signed token when the input is valid', async () => {
      const result = await register('  Grace@Example.com ', 'correct horse battery', ' Grace Hopper ');

      expect(result).toMatchObject({
        __typename: 'AuthPayload',
        user: { name: 'Grace Hopper', email: 'grace@example.com' },
      });
      const [row] = await users.database.db.query<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE id = $1',
        [result.user?.id],
      );
      expect(row?.password_hash).toMatch(/^\$argon2id\$/);
      expect(row?.password_hash).not.toContain('correct horse battery');

      const { payload, protectedHeader } = await jwtVerify(
        result.token as string,
        createPublicKey(users.keys.publicKeyPem),
        { issuer: DEFAULT_TOKEN_ISSUER, audience: DEFAULT_TOKEN_AUDIENCE },
      );
      expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: users.keys.keyId });
      expect(payload.sub).toBe(result.user?.id);
      const [session] = await users.database.db.query<{ id: string; expires_at: Date }>(
        'SELECT id, expires_at FROM sessions WHERE user_id = $1',
        [result.user?.id],
      );
      expect(payload['sid']).toBe(session?.id);
      expect(new Date(result.expiresAt as string).getTime()).toBe(session?.expires_at.getTime());
    });

    it('should answer EmailTaken and write nothing when the email exists in another case', async () => {
      await register('turing@example.com');
      const before = [await countRows('users'), await countRows('sessions')];

      const result = await register('TURING@example.com');

      expect(result).toEqual({
        __typename: 'EmailTaken',
        code: 'EMAIL_TAKEN',
        message: 'An account with the email turing@example.com already exists.',
      });
      expect([await countRows('users'), await countRows('sessions')]).toEqual(before);
    });

    it.each([
      [
        'an email without a domain',
        'not-an-email',
        'correct horse battery',
        'Name',
        'email',
        '"not-an-email" is not a valid email address.',
      ],
      [
        'a short password',
        'short@example.com',
        'seven77',
        'Name',
        'password',
        'Password must be 8 to 128 characters long (got 7).',
      ],
      [
        'an over-long password',
        'long@example.com',
        'x'.repeat(129),
        'Name',
        'password',
        'Password must be 8 to 128 characters long (got 129).',
      ],
      ['an empty name', 'empty@example.com', 'correct horse battery', '   ', 'name', 'Name must not be empty.'],
      [
        'a NUL in the name',
        'nul@example.com',
        'correct horse battery',
        'Ada\u0000',
        'name',
        'Name must not contain NUL characters.',
      ],
      [
        'a NUL in the email',
        'n\u0000ul@example.com',
        'correct horse battery',
        'Name',
        'email',
        '"n\u0000ul@example.com" is not a valid email address.',
      ],
      [
        'an over-long name',
        'big@example.com',
        'correct horse battery',
        'n'.repeat(101),
        'name',
        'Name must be at most 100 characters long (got 101).',
      ],
    ])(
      'should answer InvalidInput and write nothing when given %s',
      async (_case, email, password, name, field, message) => {
        const before = await countRows('users');
        const result = await register(email, password, name);
        expect(result).toEqual({ __typename: 'InvalidInput', code: 'INVALID_INPUT', field, message });
        expect(await countRows('users')).toBe(before);
      },
    );
  });

  describe('login', () => {
    beforeAll(async () => {
      await register('hopper@example.com', 'the right password');
    });

    it('should start a new session when the password is right', async () => {
      const sessionsBefore = await countRows('sessions');
      const result = await login('Hopper@Example.com', 'the right password');
      expect(result).toMatchObject({ __typename: 'AuthPayload', user: { email: 'hopper@example.com' } });
      expect(await countRows('sessions')).toBe((sessionsBefore ?? 0) + 1);
    });

    it.each([
      ['the password is wrong', 'hopper@example.com', 'the wrong password'],
      ['no account has the email', 'nobody@example.com', 'the right password'],
      ['the password is absurdly long', 'hopper@example.com', 'x'.repeat(10_000)],
      ['the email holds a NUL character', 'hopper\u0000@example.com', 'the right password'],
    ])('should answer the same InvalidCredentials and start no session when %s', async (_case, email, password) => {
      const sessionsBefore = await countRows('sessions');
      expect(await login(email, password)).toEqual({
        __typename: 'InvalidCredentials',
        code: 'INVALID_CREDENTIALS',
        message: 'Email or password is incorrect.',
      });
      expect(await countRows('sessions')).toBe(sessionsBefore);
    });
  });

  describe('me and logout', () => {
    it('should show the caller with their email when asked for me', async () => {
      const { user } = await register('me@example.com', 'correct horse battery', 'Me Myself');
      const [session] = await users.database.db.query<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1', [
        user?.id,
      ]);
      const identity = { userId: user?.id as string, sessionId: session?.id as string };

      const result = await users.subgraph.request('{ me { id name email } }', {}, identity);

      expect(dataOf(result)).toEqual({ me: { id: user?.id, name: 'Me Myself', email: 'me@example.com' } });
    });

    it('should answer null when an anonymous caller asks for me', async () => {
      expect(dataOf(await users.subgraph.request('{ me { id } }'))).toEqual({ me: null });
    });

    it("should hide another user's email when the user is resolved as an entity", async () => {
      const { user: owner } = await register('private@example.com');
      const { user: other } = await register('other@example.com');
      const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email } } }`;
      const representations = [{ __typename: 'User', id: owner?.id }];

      const asOther = await users.subgraph.request(
        query,
        { r: representations },
        { userId: other?.id as string, sessionId: 'x' },
      );
      const asOwner = await users.subgraph.request(
        query,
        { r: representations },
        { userId: owner?.id as string, sessionId: 'x' },
      );

      expect(dataOf(asOther)).toEqual({ _entities: [{ id: owner?.id, email: null }] });
      expect(dataOf(asOwner)).toEqual({ _entities: [{ id: owner?.id, email: 'private@example.com' }] });
    });

    it('should revoke the session in PostgreSQL and in the shared store when the caller logs out', async () => {
      const { user } = await register('leaving@example.com');
      const [session] = await users.database.db.query<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1', [
        user?.id,
      ]);
      const identity = { userId: user?.id as string, sessionId: session?.id as string };

      expect(dataOf(await users.subgraph.request('mutation { logout }', {}, identity))).toEqual({ logout: true });

      const [revoked] = await users.database.db.query<{ revoked_at: Date | null }>(
        'SELECT revoked_at FROM sessions WHERE id = $1',
        [identity.sessionId],
      );
      expect(revoked?.revoked_at).toBeInstanceOf(Date);
      expect(await users.kv.get(revokedSessionKey(identity.sessionId))).toBe('revoked');
    });

    it('should write revoked sessions to the shared store again when it starts with an empty one', async () => {
      const { user } = await register('comeback@example.com');
      const [session] = await users.database.db.query<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1', [
        user?.id,
      ]);
      await users.subgraph.request(
        'mutation { logout }',
        {},
        { userId: user?.id as string, sessionId: session?.id as string },
      );

      users = await users.restart();

      expect(await users.kv.get(revokedSessionKey(session?.id as string))).toBe('revoked');
    });

    it("should not revoke someone else's session when the session id is not the caller's", async () => {
      const { user: victim } = await register('victim@example.com');
      const { user: attacker } = await register('attacker@example.com');
      const [session] = await users.database.db.query<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1', [
        victim?.id,
      ]);

      const result = await users.subgraph.request(
        'mutation { logout }',
        {},
        {
          userId: attacker?.id as string,
          sessionId: session?.id as string,
        },
      );

      expect(dataOf(result)).toEqual({ logout: false });
      const [row] = await users.database.db.query<{ revoked_at: Date | null }>(
        'SELECT revoked_at FROM sessions WHERE id = $1',
        [session?.id],
      );
      expect(row?.revoked_at).toBeNull();
    });

    it('should tell checkout whether a session is still active', async () => {
      const { user } = await register('active@example.com');
      const [session] = await users.database.db.query<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1', [
        user?.id,
      ]);
      const query = `query ($u: ID!, $s: ID!) { sessionActive(userId: $u, sessionId: $s) }`;
      const ask = async (userId: string, sessionId: string) =>
        dataOf(await users.subgraph.request<{ sessionActive: boolean }>(query, { u: userId, s: sessionId }))
          .sessionActive;

      expect(await ask(user?.id as string, session?.id as string)).toBe(true);
      expect(await ask('6f1c2a57-0000-4000-8000-000000000000', session?.id as string)).toBe(false);
      expect(await ask(user?.id as string, 'not-a-session')).toBe(false);
      await users.database.db.execute(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [
        session?.id,
      ]);
      expect(await ask(user?.id as string, session?.id as string)).toBe(false);
    });

    it('should answer UNAUTHENTICATED when an anonymous caller logs out', async () => {
      const result = await users.subgraph.request('mutation { logout }');
      expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('batching', () => {
    it('should load a page of 50 users with one SQL statement when resolved as entities', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 50; i++) ids.push((await register(`batch${i}@example.com`)).user?.id as string);
      users.database.resetQueryCount();

      const result = await users.subgraph.request(
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name } } }`,
        { r: ids.map((id) => ({ __typename: 'User', id })) },
      );

      expect((dataOf(result) as { _entities: unknown[] })._entities).toHaveLength(50);
      expect(users.database.queryCount()).toBe(1);
    });
  });
});
