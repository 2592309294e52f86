import { createDb } from '@agora/db';
import { RedisRankedSet, connectRedis } from '@agora/adapters';
import type { ExecutionResult } from 'graphql';
import {
  TEST_REDIS_URL,
  createTestSubscriber,
  dataOf,
  eventually,
  inParallel,
  postGraphQL,
  testRedisPrefix,
  type TestSubscription,
} from '@agora/testkit';
import { openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';

const PETITIONS = 20;
const USERS = 2_000;
const ATTEMPTS = 10_000;

const COUNT_ONLY = `subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }`;

function countOf(result: ExecutionResult): number {
  return (result.data as { signatureCountChanged: { signatureCount: number } }).signatureCountChanged.signatureCount;
}

/** Every count pushed to a watch and not taken yet, in arrival order. */
function pushedCounts(subscription: TestSubscription): number[] {
  return subscription.results.pending().map(countOf);
}

describe('signing at burst scale, with Redis', () => {
  let agora: TestAgora;
  let prefix: string;
  const petitionIds: string[] = [];

  beforeAll(async () => {
    prefix = testRedisPrefix('burst');
    agora = await startTestAgora({
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
      // This counts a burst exactly, with the whole federation in this one process on a busy
      // machine: its event loop stalls past the 250 ms Redis deadline, and then signed-in
      // requests are refused (fail closed, as packages/adapters/README.md says; redisFaults
      // tests that). Here every attempt must be answered, so Redis gets a deadline a stall misses.
      redisSettings: { commandTimeoutMs: 2_000 },
    });
    const creator = await registerUser(agora, 'Organiser');
    for (let i = 0; i < PETITIONS; i++) {
      const id = await openPetition(agora, creator.token, `Burst ${i}`);
      petitionIds.push(id);
    }
  });

  afterAll(async () => {
    await agora.stop();
  });

  it('should count 10,000 attempts from 2,000 users over 20 petitions exactly, in PostgreSQL, Redis and the last push', async () => {
    const watcher = createTestSubscriber(agora.gatewayUrl);
    const watches = petitionIds.map((id) => watcher.subscribe(COUNT_ONLY, { id }));
    await Promise.all(watches.map((watch) => watch.results.next()));
    const tokens = await Promise.all(Array.from({ length: USERS }, () => agora.mintToken()));
    // Five attempts per user: rounds 0 and 3, and 1 and 4, repeat a petition (duplicates), so
    // each user signs three petitions. The order is scrambled so repeats race each other.
    const attempts = Array.from({ length: ATTEMPTS }, (_, n) => {
      const i = (n * 7_919) % ATTEMPTS;
      const user = i % USERS;
      const round = Math.floor(i / USERS);
      return { user, token: tokens[user] as string, petition: (user * 7 + (round % 3) * 3) % PETITIONS };
    });
    const expected = petitionIds.map(() => new Set<number>());
    for (const attempt of attempts) expected[attempt.petition]?.add(attempt.user);
    const outcomes = new Map<string, number>();

    await inParallel(attempts, 100, async ({ token, petition }) => {
      const answer = await agora.request<{ signPetition: { __typename: string } }>(
        `mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }`,
        { id: petitionIds[petition] },
        token,
      );
      const kind = answer.data?.signPetition.__typename ?? String(answer.errors?.[0]?.extensions?.['code']);
      outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    });

    const exact = expected.map((signers) => signers.size);
    const accepted = exact.reduce((sum, count) => sum + count, 0);
    expect(Object.fromEntries(outcomes)).toEqual({ Signature: accepted, AlreadySigned: ATTEMPTS - accepted });

    const db = createDb({ connectionString: agora.databaseUrls.signatures });
    try {
      const rows = await db.query<{ petition_id: string; n: number; count: number }>(
        `SELECT s.petition_id, count(*)::int AS n, c.count FROM signatures s JOIN signature_counts c USING (petition_id)
         GROUP BY s.petition_id, c.count`,
      );
      const byId = new Map(rows.map((row) => [row.petition_id, row]));
      expect(petitionIds.map((id) => [byId.get(id)?.n, byId.get(id)?.count])).toEqual(
        exact.map((count) => [count, count]),
      );
    } finally {
      await db.close();
    }
    const redis = connectRedis(TEST_REDIS_URL, 'test');
    try {
      const counts = new RedisRankedSet(redis, prefix);
      await eventually(
        async () => JSON.stringify(await counts.scores('signatures:counts', petitionIds)) === JSON.stringify(exact),
        10_000,
      );
    } finally {
      await redis.quit();
    }
    await eventually(async () => watches.every((watch, index) => pushedCounts(watch).at(-1) === exact[index]), 10_000);
    for (const watch of watches) {
      const pushed = pushedCounts(watch);
      expect(pushed).toEqual([...pushed].sort((a, b) => a - b));
    }
    await watcher.dispose();
  }, 300_000);

  it('should rebuild every count exactly from PostgreSQL after Redis was flushed', async () => {
    const redis = connectRedis(TEST_REDIS_URL, 'test');
    try {
      const keys = await redis.keys(`${prefix}:signatures:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
      const counts = new RedisRankedSet(redis, prefix);
      expect(await counts.exists('signatures:counts')).toBe(false);

      // Meanwhile counts read PostgreSQL; the ranking rebuilds everything on its first use.
      const ranked = await agora.request<{ mostSignedPetitions: { id: string; signatureCount: number }[] }>(
        '{ mostSignedPetitions(first: 20) { id signatureCount } }',
      );

      const db = createDb({ connectionString: agora.databaseUrls.signatures });
      try {
        const truth = await db.query<{ petition_id: string; count: number }>(
          'SELECT petition_id, count FROM signature_counts',
        );
        const byId = new Map(truth.map((row) => [row.petition_id, row.count]));
        expect(dataOf(ranked).mostSignedPetitions.map((petition) => petition.signatureCount)).toEqual(
          dataOf(ranked).mostSignedPetitions.map((petition) => byId.get(petition.id)),
        );
        expect(await counts.scores('signatures:counts', petitionIds)).toEqual(
          petitionIds.map((id) => byId.get(id) ?? 0),
        );
      } finally {
        await db.close();
      }
    } finally {
      await redis.quit();
    }
  });

  it('should push counts to watchers on two gateways that share Redis', async () => {
    const second = await agora.startSecondGateway();
    const onFirst = createTestSubscriber(agora.gatewayUrl);
    const onSecond = createTestSubscriber(second.url);
    try {
      const id = petitionIds[1] as string;
      const first = onFirst.subscribe(COUNT_ONLY, { id });
      const other = onSecond.subscribe(COUNT_ONLY, { id });
      const start = countOf(await first.results.next());
      await other.results.next();

      // Signed through the second gateway; both must hear it.
      const signed = await postGraphQL(
        second.url,
        `mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }`,
        {
          variables: { id },
          headers: { authorization: `Bearer ${await agora.mintToken()}` },
        },
      );
      expect(dataOf(signed)).toEqual({ signPetition: { __typename: 'Signature' } });

      for (const watch of [first, other]) {
        expect(countOf(await watch.results.next())).toBe(start + 1);
      }
    } finally {
      await Promise.all([onFirst.dispose(), onSecond.dispose()]);
      await second.stop();
    }
  });
  it('should keep signing open petitions, and pushing their counts, while the petitions service is down', async () => {
    const watcher = createTestSubscriber(agora.gatewayUrl);
    try {
      const watch = watcher.subscribe(COUNT_ONLY, { id: petitionIds[0] });
      const start = countOf(await watch.results.next());
      await agora.subgraphServers.petitions.stop();

      const answer = await agora.request<{ signPetition: { __typename: string; signatureCount: number } }>(
        `mutation ($id: ID!) { signPetition(petitionId: $id) { __typename ... on Signature { signatureCount } } }`,
        { id: petitionIds[0] },
        await agora.mintToken(),
      );

      expect(dataOf(answer).signPetition).toEqual({ __typename: 'Signature', signatureCount: start + 1 });
      expect(countOf(await watch.results.next())).toBe(start + 1);
    } finally {
      await watcher.dispose();
    }
  });
});
