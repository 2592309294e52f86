import { connectRedis } from '@agora/adapters';
import { createDb } from '@agora/db';
import { TEST_REDIS_URL, testRedisPrefix } from '@agora/testkit';
import {
  TEST_CHECKOUT_SETTINGS,
  TEST_USER_PASSWORD,
  registerUser,
  startTestAgora,
  type TestAgora,
} from '../testAgora.js';

const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { __typename } }`;
const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { __typename } }`;
const CHECKOUT = `mutation ($key: String!) { checkout(idempotencyKey: $key) { __typename } }`;

interface Answer {
  status: number;
  retryAfter: string | null;
  data: Record<string, { __typename: string }> | null | undefined;
  errors: { message: string; extensions: { code: string; retryAfter?: number } }[] | undefined;
}

/** Posts over plain HTTP to `gatewayUrl` as a client at `fromAddress` (the test plays the trusted proxy). */
async function post(
  gatewayUrl: string,
  query: string,
  variables: Record<string, unknown>,
  fromAddress: string,
  token?: string,
): Promise<Answer> {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': fromAddress,
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Pick<Answer, 'data' | 'errors'>;
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ...body };
}

function expectRateLimited(answer: Answer, message: RegExp): void {
  expect(answer.status).toBe(429);
  expect(answer.data ?? null).toBeNull();
  expect(answer.errors?.map((error) => error.extensions.code)).toEqual(['RATE_LIMITED']);
  expect(answer.errors?.[0]?.message).toMatch(message);
  const retryAfter = answer.errors?.[0]?.extensions.retryAfter ?? 0;
  expect(retryAfter).toBeGreaterThan(0);
  expect(answer.retryAfter).toBe(String(retryAfter));
}

describe('abuse limits shared by two gateways through Redis', () => {
  const redisPrefix = testRedisPrefix('abuse');
  let agora: TestAgora;
  let second: { url: string; stop(): Promise<void> };
  /** The two gateways, taken in turn, as a load balancer would. */
  const gateway = (turn: number) => (turn % 2 === 0 ? agora.gatewayUrl : second.url);

  beforeAll(async () => {
    agora = await startTestAgora({
      redisUrl: TEST_REDIS_URL,
      redisPrefix,
      trustedProxyHops: 1,
      attemptLimits: {
        loginFailuresPerAccountAndAddress: 4,
        loginFailuresPerAddress: 6,
        loginFailuresPerAccount: 1_000,
        registerPerAddress: 3,
      },
      checkout: { ...TEST_CHECKOUT_SETTINGS, limits: { perUser: 2, perAddress: 1_000 } },
    });
    second = await agora.startSecondGateway();
  });

  afterAll(async () => {
    await second.stop();
    await agora.stop();
  });

  let signUps = 0;
  /**
   * A new account with TEST_USER_PASSWORD, registered from an address of its own (the
   * registration limit here is 3 per address); returns its email.
   */
  async function signUp(name: string): Promise<string> {
    signUps++;
    const email = `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}-${signUps}-${Date.now()}@example.com`;
    const answer = await post(
      gateway(signUps),
      REGISTER,
      { input: { email, password: TEST_USER_PASSWORD, name } },
      `10.1.${signUps}.1`,
    );
    expect(answer.data?.['register']?.__typename).toBe('AuthPayload');
    return email;
  }

  /** Logs in as `email` from `fromAddress` on gateway `turn`: the answer's __typename, or its HTTP status. */
  async function loginOutcome(turn: number, email: string, password: string, fromAddress: string): Promise<string> {
    const answer = await post(gateway(turn), LOGIN, { input: { email, password } }, fromAddress);
    return answer.data?.['login']?.__typename ?? String(answer.status);
  }

  it('should refuse the address that failed four times at an account, right password or not, on either gateway, and let the owner in from another', async () => {
    const owner = await signUp('Owner');
    const guesses: string[] = [];
    for (let turn = 0; turn < 4; turn++) {
      guesses.push(await loginOutcome(turn, owner, `guess number ${turn}`, '10.0.0.1'));
    }
    expect(guesses).toEqual(Array(4).fill('InvalidCredentials'));
    const fromGuesser = await post(
      gateway(4),
      LOGIN,
      { input: { email: owner, password: TEST_USER_PASSWORD } },
      '10.0.0.1',
    );
    expectRateLimited(fromGuesser, /^Too many attempts for this email; try again in \d+ seconds\.$/);
    for (let turn = 0; turn < 2; turn++) {
      expect(await loginOutcome(turn, owner, TEST_USER_PASSWORD, '10.0.1.1')).toBe('AuthPayload');
    }
    // The counts live in Redis, where every users replica reads and writes them: four
    // failures from the guesser's address; the refused login and the owner's count nothing.
    const redis = connectRedis(TEST_REDIS_URL, 'test');
    try {
      const counts: Record<string, string | null> = {};
      for (const key of await redis.keys(`${redisPrefix}:users:login-failures:*`)) {
        counts[key.slice(redisPrefix.length + 1).replace(/account(-address)?:[^:]+/, 'account$1:<email>')] =
          await redis.get(key);
      }
      expect(counts).toEqual({
        'users:login-failures:address:10.0.0.1': '4',
        'users:login-failures:address:10.0.1.1': '0',
        'users:login-failures:account-address:<email>:10.0.0.1': '4',
        'users:login-failures:account-address:<email>:10.0.1.1': '0',
        'users:login-failures:account:<email>': '4',
      });
    } finally {
      redis.disconnect();
    }
  });

  it('should use up nothing with right passwords, however many logins in a row', async () => {
    const owner = await signUp('Regular');
    const logins: string[] = [];
    for (let turn = 0; turn < 12; turn++) {
      logins.push(await loginOutcome(turn, owner, TEST_USER_PASSWORD, '10.0.2.2'));
    }
    expect(logins).toEqual(Array(12).fill('AuthPayload'));
    // Every failure the limit allows is still there.
    const guesses: string[] = [];
    for (let turn = 0; turn < 5; turn++) {
      guesses.push(await loginOutcome(turn, owner, 'a typo', '10.0.2.2'));
    }
    expect(guesses).toEqual([...Array(4).fill('InvalidCredentials'), '429']);
  });

  it('should refuse an address that failed six times across six accounts, with any account, and no other address', async () => {
    const emails: string[] = [];
    for (let i = 0; i < 7; i++) emails.push(await signUp(`Sprayed ${i}`));
    const guesses: string[] = [];
    for (const [turn, email] of emails.slice(0, 6).entries()) {
      guesses.push(await loginOutcome(turn, email, 'password1', '10.0.3.3'));
    }
    expect(guesses).toEqual(Array(6).fill('InvalidCredentials'));
    const seventh = emails[6] ?? '';
    expectRateLimited(
      await post(gateway(6), LOGIN, { input: { email: seventh, password: 'password1' } }, '10.0.3.3'),
      /^Too many attempts from your network address; try again in \d+ seconds\.$/,
    );
    expect(await loginOutcome(7, seventh, TEST_USER_PASSWORD, '10.0.4.4')).toBe('AuthPayload');
  });

  it('should count registrations answered EmailTaken against the per-address limit, so probing emails is cut off', async () => {
    const taken = await signUp('Known');
    const probes: Answer[] = [];
    for (let turn = 0; turn < 4; turn++) {
      probes.push(
        await post(
          gateway(turn),
          REGISTER,
          { input: { email: taken, password: 'a fine password', name: 'N' } },
          '10.6.6.6',
        ),
      );
    }
    expect(probes.slice(0, 3).map((answer) => answer.data?.['register']?.__typename)).toEqual([
      'EmailTaken',
      'EmailTaken',
      'EmailTaken',
    ]);
    expectRateLimited(probes[3] as Answer, /^Too many attempts from your network address; try again in \d+ seconds\.$/);
    // Cut off whatever the next probe names: nothing tells the enumerator more.
    const unknown = await post(
      gateway(4),
      REGISTER,
      { input: { email: `unknown-${Date.now()}@example.com`, password: 'a fine password', name: 'N' } },
      '10.6.6.6',
    );
    expectRateLimited(unknown, /^Too many attempts from your network address; try again in \d+ seconds\.$/);
  });

  it('should refuse the fourth registration from one address across both gateways, and create no account', async () => {
    const emails = [0, 1, 2, 3].map((i) => `signup-${i}-${Date.now()}@example.com`);
    const answers: Answer[] = [];
    for (const [turn, email] of emails.entries()) {
      answers.push(
        await post(gateway(turn), REGISTER, { input: { email, password: 'a fine password', name: 'N' } }, '10.9.9.9'),
      );
    }
    expect(answers.slice(0, 3).map((answer) => answer.data?.['register']?.__typename)).toEqual([
      'AuthPayload',
      'AuthPayload',
      'AuthPayload',
    ]);
    expectRateLimited(
      answers[3] as Answer,
      /^Too many attempts from your network address; try again in \d+ seconds\.$/,
    );
    const db = createDb({ connectionString: agora.databaseUrls.users });
    try {
      const rows = await db.query('SELECT 1 FROM users WHERE email = $1', [emails[3]]);
      expect(rows).toHaveLength(0);
    } finally {
      await db.close();
    }
    // Someone at another address can still sign up.
    const elsewhere = await post(
      gateway(0),
      REGISTER,
      { input: { email: `other-${Date.now()}@example.com`, password: 'a fine password', name: 'N' } },
      '10.8.8.8',
    );
    expect(elsewhere.data?.['register']?.__typename).toBe('AuthPayload');
  });

  it('should refuse the third checkout of one user within a minute, whichever gateway it reaches', async () => {
    const buyer = await registerUser(agora, 'Buyer');
    const answers: Answer[] = [];
    for (let turn = 0; turn < 3; turn++) {
      answers.push(await post(gateway(turn), CHECKOUT, { key: `key-${turn}` }, '10.7.7.7', buyer.token));
    }
    expect(answers.slice(0, 2).map((answer) => answer.data?.['checkout']?.__typename)).toEqual([
      'CartEmpty',
      'CartEmpty',
    ]);
    expectRateLimited(
      answers[2] as Answer,
      /^Too many checkouts from you; try again in \d+ seconds\. Nothing was charged\.$/,
    );
  });
});
