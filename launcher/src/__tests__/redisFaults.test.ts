import { randomUUID } from 'node:crypto';
import type { RedisSettings } from '@agora/adapters';
import { createDb, type Db } from '@agora/db';
import { INTERNAL_HEADERS, identityHeaders } from '@agora/service';
import {
  TEST_GATEWAY_SECRET,
  TEST_REDIS_URL,
  createTestSubscriber,
  errorCodes,
  eventually,
  inParallel,
  postGraphQL,
  routeThroughTcpFaultProxy,
  testRedisPrefix,
  type TcpFaultMode,
  type TcpFaultProxy,
  type TestSubscriber,
} from '@agora/testkit';
import { openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';

/** The deadlines these tests give Redis; every bound below is derived from them. */
const REDIS: RedisSettings = { commandTimeoutMs: 250, reconnectMaxDelayMs: 300, heartbeatIntervalMs: 500 };
/** Longest any request may take while Redis is cut: one command timeout, and a second for a busy machine. */
const ANSWER_BOUND_MS = REDIS.commandTimeoutMs + 1_000;
/** Readers and watchers must show the exact count this soon after Redis is back (the reconcile is an hour away). */
const CONVERGENCE_MS = 3_000;
/** Signatures per burst, and how many are in flight at once. */
const BURST = 40;
const CONCURRENCY = 10;

const SIGN = `mutation ($id: ID!) {
  signPetition(petitionId: $id) { __typename ... on Signature { signatureCount } }
}`;
const COUNT = `query ($id: ID!) { petition(id: $id) { signatureCount } }`;
const WATCH = `subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }`;

interface Answer {
  ms: number;
  typename: unknown;
  codes: unknown[];
  status: number;
}

/** Posts and times one operation; a network failure counts as an answer without data. */
async function timedPost(url: string, query: string, variables: Record<string, unknown>, headers = {}) {
  const started = performance.now();
  const result = await postGraphQL<Record<string, { __typename?: string } | null>>(url, query, { variables, headers });
  const root = Object.values(result.data ?? {})[0];
  return {
    ms: performance.now() - started,
    typename: root?.__typename,
    codes: errorCodes(result),
    status: result.status,
  } satisfies Answer;
}

describe.each<TcpFaultMode>(['blackhole', 'reset'])('Agora when Redis is cut (%s)', (mode) => {
  let proxy: TcpFaultProxy;
  let agora: TestAgora;
  /** A gateway replica whose own way to Redis is not cut: it lets signers in while signatures' Redis is away. */
  let replica: { url: string; stop(): Promise<void> };
  let signaturesDb: Db;
  let creatorToken: string;
  const subscribers: TestSubscriber[] = [];

  beforeAll(async () => {
    const routed = await routeThroughTcpFaultProxy(TEST_REDIS_URL);
    proxy = routed.proxy;
    agora = await startTestAgora({
      redisUrl: routed.url,
      redisPrefix: testRedisPrefix('redis-faults'),
      redisSettings: REDIS,
    });
    replica = await agora.startSecondGateway({ redisUrl: TEST_REDIS_URL });
    signaturesDb = createDb({ connectionString: agora.databaseUrls.signatures });
    creatorToken = (await registerUser(agora, 'Creator')).token;
  }, 60_000);

  afterEach(async () => {
    proxy.setMode('pass');
    await Promise.all(subscribers.splice(0).map((subscriber) => subscriber.dispose()));
    // The next test starts with Redis answering again, commands and pub/sub.
    await eventually(
      () =>
        agora.adapters.pubsub
          .subscribe('probe', () => {})
          .then(
            async (unsubscribe) => {
              await unsubscribe();
              return true;
            },
            () => false,
          ),
      CONVERGENCE_MS,
    );
    await eventually(
      () =>
        agora.adapters.kv.get('ping').then(
          () => true,
          () => false,
        ),
      CONVERGENCE_MS,
    );
  });

  afterAll(async () => {
    await replica?.stop();
    await signaturesDb?.close();
    await agora?.stop();
    await proxy?.stop();
  });

  async function storedSignatures(petitionId: string): Promise<number> {
    const row = await signaturesDb.queryOne<{ n: number }>(
      'SELECT count(*)::int AS n FROM signatures WHERE petition_id = $1',
      [petitionId],
    );
    return row?.n ?? 0;
  }

  /** `count` signatures by new users through the replica gateway, `CONCURRENCY` at a time. */
  async function signBurst(petitionId: string, count: number): Promise<Answer[]> {
    const tokens = await Promise.all(Array.from({ length: count }, () => agora.mintToken()));
    const answers: Answer[] = [];
    await inParallel(tokens, CONCURRENCY, async (token) => {
      answers.push(await timedPost(replica.url, SIGN, { id: petitionId }, { authorization: `Bearer ${token}` }));
    });
    return answers;
  }

  it('should go on signing, answer every signer within the command timeout and store every acknowledged signature when Redis is cut', async () => {
    const petitionId = await openPetition(agora, creatorToken, `Signing on (${mode})`);
    proxy.setMode(mode);

    const throughGateway = await signBurst(petitionId, BURST);
    // The signatures subgraph itself, called as a gateway calls it.
    const direct: Answer[] = [];
    await inParallel(Array.from({ length: BURST }), CONCURRENCY, async () => {
      const identity = { userId: randomUUID(), sessionId: randomUUID() };
      direct.push(
        await timedPost(
          agora.subgraphUrls.signatures,
          SIGN,
          { id: petitionId },
          {
            [INTERNAL_HEADERS.gatewaySecret]: TEST_GATEWAY_SECRET,
            ...identityHeaders(identity),
          },
        ),
      );
    });

    for (const answers of [throughGateway, direct]) {
      expect(answers.map((answer) => answer.typename)).toEqual(answers.map(() => 'Signature'));
      expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(ANSWER_BOUND_MS);
    }
    expect(await storedSignatures(petitionId)).toBe(2 * BURST);
  });

  it('should refuse a signed-in request with 503 SERVICE_UNAVAILABLE within the command timeout, and answer anonymous reads, when Redis is cut', async () => {
    const petitionId = await openPetition(agora, creatorToken, `Fail closed (${mode})`);
    const token = await agora.mintToken();
    proxy.setMode(mode);

    const signedIn = await Promise.all(
      Array.from({ length: 5 }, () =>
        timedPost(agora.gatewayUrl, SIGN, { id: petitionId }, { authorization: `Bearer ${token}` }),
      ),
    );
    for (const answer of signedIn) {
      expect(answer).toMatchObject({ status: 503, codes: ['SERVICE_UNAVAILABLE'] });
      expect(answer.ms).toBeLessThan(ANSWER_BOUND_MS);
    }
    // Redis is known to be away now: twenty more in a row must not each wait for a timeout.
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      const answer = await timedPost(agora.gatewayUrl, SIGN, { id: petitionId }, { authorization: `Bearer ${token}` });
      expect(answer.codes).toEqual(['SERVICE_UNAVAILABLE']);
    }
    expect(performance.now() - started).toBeLessThan(5 * REDIS.commandTimeoutMs);
    const anonymous = await timedPost(agora.gatewayUrl, COUNT, { id: petitionId });
    expect(anonymous).toMatchObject({ status: 200, codes: [] });
    expect(anonymous.ms).toBeLessThan(ANSWER_BOUND_MS);
    expect(await storedSignatures(petitionId)).toBe(0);
  });

  it('should show readers and watchers the exact count within seconds of Redis coming back', async () => {
    const petitionId = await openPetition(agora, creatorToken, `Counts heal (${mode})`);
    // One watcher on the gateway whose Redis is cut (its pub/sub subscription breaks), one on the replica.
    const watches = [agora.gatewayUrl, replica.url].map((url) => {
      const subscriber = createTestSubscriber(url);
      subscribers.push(subscriber);
      return subscriber.subscribe(WATCH, { id: petitionId });
    });
    const lastCounts = () =>
      watches.map(
        (watch) =>
          (watch.results.pending().at(-1)?.data?.['signatureCountChanged'] as { signatureCount: number } | undefined)
            ?.signatureCount,
      );
    await eventually(async () => lastCounts().every((count) => count === 0));

    // The first half with Redis up, and seen by everyone, then the last signatures while it is cut.
    await signBurst(petitionId, BURST);
    await eventually(async () => lastCounts().every((count) => count === BURST));
    proxy.setMode(mode);
    const cut = await signBurst(petitionId, BURST);
    expect(cut.map((answer) => answer.typename)).toEqual(cut.map(() => 'Signature'));
    // The cut outlasts the burst's count updates: a command sent after them fails only once they have.
    await expect(agora.adapters.rankedSets.scores('signatures:counts', [petitionId])).rejects.toThrow();
    proxy.setMode('pass');

    const stored = await storedSignatures(petitionId);
    expect(stored).toBe(2 * BURST);
    const readCount = async () => {
      const result = await postGraphQL<{ petition: { signatureCount: number } }>(agora.gatewayUrl, COUNT, {
        variables: { id: petitionId },
      });
      return result.data?.petition.signatureCount;
    };
    await eventually(
      async () => (await readCount()) === stored && lastCounts().every((count) => count === stored),
      CONVERGENCE_MS,
    );
  });
});
