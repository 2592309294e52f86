// A graphql-ws socket lives no longer than its session: after a logout, a revocation that was
// never announced, or the token's expiry, it can neither act as the user nor hear pushes.
import { connectRedis } from '@agora/adapters';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER, revokedSessionKey } from '@agora/service';
import {
  TEST_REDIS_URL,
  createTestSubscriber,
  dataOf,
  testRedisPrefix,
  type TestSubscriber,
  type TestSubscription,
} from '@agora/testkit';
import { createTokenIssuer } from '@agora/users';
import { TEST_USER_PASSWORD, openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';

const ME = '{ me { id email } }';
const DEPOSIT = 'mutation { deposit(amount: 500) { __typename ... on Account { balance { amount } } } }';
const SIGN = 'mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }';
const WATCH = 'subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }';

/** The claims a token carries: its session id and when it expires (seconds). */
function claimsOf(token: string): { sid: string; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    sid: string;
    exp: number;
  };
}

describe('graphql-ws sockets and the sessions they were opened with', () => {
  const redisPrefix = testRedisPrefix('socket-sessions');
  let agora: TestAgora;
  let redis: ReturnType<typeof connectRedis>;
  let petitionId: string;
  const subscribers: TestSubscriber[] = [];

  beforeAll(async () => {
    agora = await startTestAgora({ production: true, redisUrl: TEST_REDIS_URL, redisPrefix });
    redis = connectRedis(TEST_REDIS_URL, 'socket-sessions-test');
    const organiser = await registerUser(agora, 'Organiser');
    petitionId = await openPetition(agora, organiser.token, 'Sessions end');
  });

  afterEach(async () => {
    await Promise.all(subscribers.splice(0).map((subscriber) => subscriber.dispose()));
  });

  afterAll(async () => {
    await redis.quit();
    await agora.stop();
  });

  /**
   * A socket signed in with `token`, watching the petition's count: with nothing running, the
   * client would close an idle socket itself and open a new one for the next operation.
   */
  async function connect(token: string): Promise<{ socket: TestSubscriber; watch: TestSubscription }> {
    const socket = createTestSubscriber(agora.gatewayUrl, { authorization: `Bearer ${token}` });
    subscribers.push(socket);
    const watch = socket.subscribe(WATCH, { id: petitionId });
    expect(await watch.results.next()).toEqual({
      data: { signatureCountChanged: { signatureCount: expect.any(Number) } },
    });
    return { socket, watch };
  }

  /** Revokes the token's session in the shared store as logout does, but announces nothing. */
  async function revokeQuietly(token: string): Promise<void> {
    await redis.set(`${redisPrefix}:${revokedSessionKey(claimsOf(token).sid)}`, 'revoked', 'EX', 600);
  }

  async function balanceOf(token: string): Promise<number> {
    const answer = await agora.request<{ me: { account: { balance: { amount: number } } } }>(
      '{ me { account { balance { amount } } } }',
      {},
      token,
    );
    return dataOf(answer).me.account.balance.amount;
  }

  async function signatureCount(): Promise<number> {
    const answer = await agora.request<{ petition: { signatureCount: number } }>(
      'query ($id: ID!) { petition(id: $id) { signatureCount } }',
      { id: petitionId },
    );
    return dataOf(answer).petition.signatureCount;
  }

  it('should close the socket with 4403 when the session logs out over HTTP', async () => {
    const user = await registerUser(agora, 'Leaver');
    const { socket } = await connect(user.token);
    expect(await socket.subscribe(ME).results.next()).toEqual({ data: { me: { id: user.id, email: user.email } } });

    expect(dataOf(await agora.request<{ logout: boolean }>('mutation { logout }', {}, user.token)).logout).toBe(true);

    expect(await socket.closed).toBe(4403);
  });

  it('should refuse a deposit from a socket whose session was revoked without an announcement, and close it', async () => {
    const user = await registerUser(agora, 'Revoked');
    await agora.request(DEPOSIT, {}, user.token);
    const { socket } = await connect(user.token);
    expect(await socket.subscribe(ME).results.next()).toEqual({ data: { me: { id: user.id, email: user.email } } });

    // As logout writes it, but with no announcement: a gateway that missed it still finds it.
    await revokeQuietly(user.token);

    expect(await socket.subscribe(DEPOSIT).ended).toEqual([
      { message: 'This session has ended; log in again.', extensions: { code: 'UNAUTHENTICATED' } },
    ]);
    expect(await socket.closed).toBe(4403);
    // The money stayed where it was: a new session sees the one deposit made over HTTP.
    const fresh = await agora.request<{ login: { token: string } }>(
      'mutation ($input: LoginInput!) { login(input: $input) { ... on AuthPayload { token } } }',
      { input: { email: user.email, password: TEST_USER_PASSWORD } },
    );
    expect(await balanceOf(dataOf(fresh).login.token)).toBe(500);
  });

  it('should take no signature and show no email on a socket whose session has ended', async () => {
    const user = await registerUser(agora, 'Late signer');
    const { socket } = await connect(user.token);
    const before = await signatureCount();
    await revokeQuietly(user.token);

    expect(await socket.subscribe(SIGN, { id: petitionId }).ended).toEqual([
      expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } }),
    ]);
    expect(await signatureCount()).toBe(before);
    // The socket is gone; a new one with the same token is refused at once.
    expect(await socket.closed).toBe(4403);
    const again = createTestSubscriber(agora.gatewayUrl, { authorization: `Bearer ${user.token}` });
    subscribers.push(again);
    again.subscribe(ME);
    expect(await again.closed).toBe(4403);
  });

  it('should close the socket with 4403 when its token expires, and not before', async () => {
    const shortLived = createTokenIssuer({
      privateKeyPem: agora.signingKeys.privateKeyPem,
      keyId: agora.signingKeys.keyId,
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
      ttlSeconds: 2,
    });
    const user = await registerUser(agora, 'Brief');
    const issued = await shortLived.issue(user.id, claimsOf(user.token).sid, shortLived.expiryFrom(new Date()));
    const { socket } = await connect(issued.token);
    const expiresAtMs = claimsOf(issued.token).exp * 1000;

    expect(await socket.closed).toBe(4403);
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAtMs - 50);
  });

  it('should keep an anonymous socket and a socket of another session open meanwhile', async () => {
    const stayer = await registerUser(agora, 'Stayer');
    const leaver = await registerUser(agora, 'Other leaver');
    const staying = await connect(stayer.token);
    const anonymous = createTestSubscriber(agora.gatewayUrl);
    subscribers.push(anonymous);
    const anonymousWatch = anonymous.subscribe(WATCH, { id: petitionId });
    expect((await anonymousWatch.results.next()).data).toBeDefined();
    const leaving = await connect(leaver.token);

    await agora.request('mutation { logout }', {}, leaver.token);

    expect(await leaving.socket.closed).toBe(4403);
    expect(await staying.socket.subscribe(ME).results.next()).toEqual({
      data: { me: { id: stayer.id, email: stayer.email } },
    });
    expect(await anonymous.subscribe('{ me { id } }').results.next()).toEqual({ data: { me: null } });
  });
});
