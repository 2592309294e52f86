import { decodeJwt } from 'jose';
import { createAdapters, type Adapters } from '@agora/adapters';
import { generateSigningKeys, revokedSessionKey, silentLogger } from '@agora/service';
import {
  TEST_PASSWORD_HASHING,
  dataOf,
  describeSubgraphFunctionContract,
  startTestFunction,
  uniqueTag,
  type TestFunction,
} from '@agora/testkit';
import { createUsersFunction } from '../function.js';
import { USERS_MIGRATIONS_DIR, USERS_SCHEMA_PATH } from '../subgraph.js';
import { LOGIN, REGISTER } from './usersHarness.js';

interface AuthPayload {
  __typename: string;
  token: string;
  user: { id: string; email: string };
}

let harness: TestFunction;
/** The function's Redis, as the gateway reads it. */
let adapters: Adapters;

beforeAll(async () => {
  const keys = generateSigningKeys();
  harness = await startTestFunction('users', (env) => createUsersFunction(env, silentLogger), {
    JWT_PRIVATE_KEY: keys.privateKeyPem,
    JWT_KEY_ID: keys.keyId,
    PASSWORD_HASH_MEMORY_KIB: String(TEST_PASSWORD_HASHING.memoryKib),
    PASSWORD_HASH_TIME_COST: String(TEST_PASSWORD_HASHING.timeCost),
  });
  adapters = createAdapters({ redisUrl: harness.env['REDIS_URL'], prefix: harness.env['REDIS_PREFIX'] as string });
});

afterAll(async () => {
  await adapters.close();
  await harness.stop();
});

describeSubgraphFunctionContract('users', {
  schemaPath: USERS_SCHEMA_PATH,
  migrationsDir: USERS_MIGRATIONS_DIR,
  harness: () => harness,
});

describe('users function', () => {
  const password = 'a long enough password';

  /** Registers through the Lambda handler; the caller's identity as the gateway would forward it. */
  async function register() {
    const email = `fn-${uniqueTag()}@agora.example`;
    const { register } = dataOf(
      await harness.lambda.request<{ register: AuthPayload }>(REGISTER, { input: { email, password, name: 'Ada' } }),
    );
    return { email, userId: register.user.id, sessionId: decodeJwt(register.token)['sid'] as string };
  }

  it('should register through the gcf handler, then log in and answer me through the lambda handler', async () => {
    const email = `fn-${uniqueTag()}@agora.example`;
    const registered = dataOf(
      await harness.gcf.request<{ register: AuthPayload }>(REGISTER, { input: { email, password, name: 'Grace' } }),
    ).register;
    expect(registered).toMatchObject({ __typename: 'AuthPayload', user: { email, name: 'Grace' } });

    const loggedIn = dataOf(
      await harness.lambda.request<{ login: AuthPayload }>(LOGIN, { input: { email, password } }),
    );
    expect(loggedIn.login).toMatchObject({ __typename: 'AuthPayload', user: { id: registered.user.id, email } });

    const viewer = { userId: registered.user.id, sessionId: decodeJwt(loggedIn.login.token)['sid'] as string };
    const me = await harness.lambda.request('{ me { id email name } }', {}, viewer);
    expect(dataOf(me)).toEqual({ me: { id: registered.user.id, email, name: 'Grace' } });
  });

  it('should write a revoked session to Redis again when ticked after Redis lost it', async () => {
    const { userId, sessionId } = await register();
    expect(dataOf(await harness.gcf.request('mutation { logout }', {}, { userId, sessionId }))).toEqual({
      logout: true,
    });
    expect(await adapters.kv.get(revokedSessionKey(sessionId))).toBe('revoked');

    await adapters.kv.delete(revokedSessionKey(sessionId));
    await harness.fn.tick();
    expect(await adapters.kv.get(revokedSessionKey(sessionId))).toBe('revoked');
  });
});
