import { connectRedis } from '@agora/adapters';
import { createDb } from '@agora/db';
import { TEST_REDIS_URL, testRedisPrefix } from '@agora/testkit';
import { TEST_CHECKOUT_SETTINGS, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';

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
      attemptLimits: { loginPerAccount: 4, loginPerAddress: 1_000, registerPerAddress: 3 },
      checkout: { ...TEST_CHECKOUT_SETTINGS, limits: { perUser: 2, perAddress: 1_000 } },
    });
    second = await agora.startSecondGateway();
  });

  afterAll(async () => {
    await second.stop();
    await agora.stop();
  });

  it('should refuse the fifth login naming one account, right password or not, whichever gateway it reaches', async () => {
    const owner = await registerUser(agora, 'Owner');
    for (let turn = 0; turn < 4; turn++) {
      const guess = await post(
        gateway(turn),
        LOGIN,
        { input: { email: owner.email, password: `guess number ${turn}` } },
        `10.0.0.${turn}`,
      );
      expect(guess.data?.['login']?.__typename).toBe('InvalidCredentials');
    }
    const right = await post(
      gateway(4),
      LOGIN,
      { input: { email: owner.email, password: 'correct horse battery' } },
      '10.0.1.1',
    );
    expectRateLimited(right, /^Too many attempts for this email; try again in \d+ seconds\.$/);
    // The count lives in Redis, where every users replica reads and writes it.
    const redis = connectRedis(TEST_REDIS_URL, 'test');
    try {
      const keys = await redis.keys(`${redisPrefix}:users:login:account:*`);
      expect(keys).toHaveLength(1);
      expect(await redis.get(keys[0] as string)).toBe('5');
    } finally {
      redis.disconnect();
    }
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
