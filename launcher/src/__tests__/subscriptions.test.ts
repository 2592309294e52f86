import { randomUUID } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import type { MemPubSub } from '@agora/adapters';
import { createTestSubscriber, dataOf, eventually, type TestSubscription } from '@agora/testkit';
import { openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';

const WATCH = /* GraphQL */ `
  subscription Watch($id: ID!) {
    update: signatureCountChanged(petitionId: $id) {
      count: signatureCount
      ...About
    }
  }
  fragment About on SignatureCountUpdate {
    petitionId
    petition {
      title
      creator {
        name
      }
    }
  }
`;

interface Watched {
  update: { count: number; petitionId: string; petition: { title: string; creator: { name: string } } };
}

/** Takes results until one has `count`, checking on the way that counts never go down. */
async function until(subscription: TestSubscription, count: number): Promise<ExecutionResult[]> {
  const seen: ExecutionResult[] = [];
  let last = -1;
  for (;;) {
    const result = await subscription.results.next(10_000);
    seen.push(result);
    const current = (result.data as unknown as Watched | undefined)?.update.count;
    if (current === undefined) throw new Error(`unexpected result ${JSON.stringify(result)}`);
    if (current < last) throw new Error(`count went from ${last} down to ${current}`);
    last = current;
    if (current === count) return seen;
  }
}

const COUNT_ONLY = `subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }`;

describe('signature counts over graphql-ws', () => {
  let agora: TestAgora;
  let petitionId: string;

  beforeAll(async () => {
    agora = await startTestAgora();
    const creator = await registerUser(agora, 'Grace');
    petitionId = await openPetition(agora, creator.token, 'Night buses', 'Every 30 minutes.');
  });

  afterAll(async () => {
    await agora.stop();
  });

  async function sign(token?: string) {
    const answer = await agora.request<{ signPetition: { __typename: string } }>(
      `mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }`,
      { id: petitionId },
      token ?? (await agora.mintToken()),
    );
    expect(dataOf(answer).signPetition.__typename).toBe('Signature');
  }

  it('should push counts with the cross-subgraph selection, aliases and fragments, to an anonymous watcher', async () => {
    const watcher = createTestSubscriber(agora.gatewayUrl);
    try {
      const watch = watcher.subscribe(WATCH, { id: petitionId });
      const first = await watch.results.next();
      const start = (first.data as unknown as Watched).update.count;
      expect(first).toEqual({
        data: { update: { count: start, petitionId, petition: { title: 'Night buses', creator: { name: 'Grace' } } } },
      });

      for (let i = 0; i < 3; i++) await sign();

      const later = await until(watch, start + 3);
      expect(later.at(-1)).toEqual({
        data: {
          update: { count: start + 3, petitionId, petition: { title: 'Night buses', creator: { name: 'Grace' } } },
        },
      });
    } finally {
      await watcher.dispose();
    }
  });

  it('should coalesce a burst: fewer pushes than signatures, never a lower count, ending on the exact total', async () => {
    const watcher = createTestSubscriber(agora.gatewayUrl);
    try {
      const watch = watcher.subscribe(
        `subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }`,
        {
          id: petitionId,
        },
      );
      const start = ((await watch.results.next()).data as { signatureCountChanged: { signatureCount: number } })
        .signatureCountChanged.signatureCount;

      await Promise.all(Array.from({ length: 60 }, () => sign()));

      const seen: number[] = [];
      while (seen.at(-1) !== start + 60) {
        const result = await watch.results.next(10_000);
        seen.push(
          (result.data as { signatureCountChanged: { signatureCount: number } }).signatureCountChanged.signatureCount,
        );
      }
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen.length).toBeLessThan(60);
    } finally {
      await watcher.dispose();
    }
  });

  it('should never push a count lower than one already pushed, even when an event arrives late', async () => {
    await sign();
    await sign();
    const watcher = createTestSubscriber(agora.gatewayUrl);
    try {
      const watch = watcher.subscribe(COUNT_ONLY, { id: petitionId });
      const countOf = (result: ExecutionResult) =>
        (result.data as { signatureCountChanged: { signatureCount: number } }).signatureCountChanged.signatureCount;
      const start = countOf(await watch.results.next());

      // An event from before the watch began, delivered late (another process, a slow broker).
      await agora.adapters.pubsub.publish(`signatures:count:${petitionId}`, { petitionId, signatureCount: start - 1 });
      // Past the coalescing window, so the late event is not simply overtaken by the next one.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sign();

      expect(countOf(await watch.results.next())).toBe(start + 1);
    } finally {
      await watcher.dispose();
    }
  });

  it('should resolve the selection once per count for many watchers, not once per watcher', async () => {
    const watchers = Array.from({ length: 20 }, () => createTestSubscriber(agora.gatewayUrl));
    try {
      const watches = watchers.map((watcher) => watcher.subscribe(WATCH, { id: petitionId }));
      const starts = await Promise.all(
        watches.map(async (watch) => ((await watch.results.next()).data as unknown as Watched).update.count),
      );
      const target = Math.max(...starts) + 1;
      agora.resetQueryCounts();

      await sign();
      await Promise.all(watches.map((watch) => until(watch, target)));

      // Each push needs the creator's name from users: one lookup per count, shared by all 20.
      expect(agora.queryCounts().users ?? 0).toBeLessThanOrEqual(2);
    } finally {
      await Promise.all(watchers.map((watcher) => watcher.dispose()));
    }
  });

  it('should answer a clear error for a petition id that is not one, or names no petition', async () => {
    const watcher = createTestSubscriber(agora.gatewayUrl);
    try {
      const query = `subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }`;
      const malformed = watcher.subscribe(query, { id: 'not-an-id' });
      const unknown = randomUUID();
      const missing = watcher.subscribe(query, { id: unknown });
      expect(await malformed.results.next()).toMatchObject({
        errors: [{ message: 'No petition has the id "not-an-id".', extensions: { code: 'BAD_USER_INPUT' } }],
      });
      expect(await missing.results.next()).toMatchObject({
        errors: [{ message: `No petition has the id "${unknown}".`, extensions: { code: 'NOT_FOUND' } }],
      });
    } finally {
      await watcher.dispose();
    }
  });

  it('should refuse a connection whose token is not valid, and accept one whose token is', async () => {
    const refused = createTestSubscriber(agora.gatewayUrl, { authorization: 'Bearer not.a.token' });
    refused.subscribe(`subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }`, {
      id: petitionId,
    });
    expect(await refused.closed).toBe(4403);

    const user = await registerUser(agora, 'Watcher');
    const accepted = createTestSubscriber(agora.gatewayUrl, { authorization: `Bearer ${user.token}` });
    try {
      const watch = accepted.subscribe(
        `subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { petition { viewerHasSigned } } }`,
        {
          id: petitionId,
        },
      );
      expect(await watch.results.next()).toEqual({
        data: { signatureCountChanged: { petition: { viewerHasSigned: false } } },
      });
      await sign(user.token);
      expect(await watch.results.next()).toEqual({
        data: { signatureCountChanged: { petition: { viewerHasSigned: true } } },
      });
    } finally {
      await accepted.dispose();
    }
  });

  it('should hold one broker subscription per petition however many watch it', async () => {
    const watchers = Array.from({ length: 5 }, () => createTestSubscriber(agora.gatewayUrl));
    try {
      const watches = watchers.map((watcher) =>
        watcher.subscribe(`subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }`, {
          id: petitionId,
        }),
      );
      await Promise.all(watches.map((watch) => watch.results.next()));
      const pubsub = agora.adapters.pubsub as MemPubSub;
      expect(pubsub.subscriptionCount(`signatures:count:${petitionId}`)).toBe(1);

      await Promise.all(watchers.map((watcher) => watcher.dispose()));
      await eventually(async () => pubsub.subscriptionCount(`signatures:count:${petitionId}`) === 0);
    } finally {
      await Promise.all(watchers.map((watcher) => watcher.dispose()));
    }
  });

  it('should let go of the broker subscription when watchers leave before their first count', async () => {
    const watcher = createTestSubscriber(agora.gatewayUrl);
    const pubsub = agora.adapters.pubsub as MemPubSub;
    const topic = `signatures:count:${petitionId}`;
    try {
      const staying = watcher.subscribe(COUNT_ONLY, { id: petitionId });
      await staying.results.next();
      // On the open socket, each leaves while the gateway is still reading the current count.
      const leaving = Array.from({ length: 10 }, () => watcher.subscribe(COUNT_ONLY, { id: petitionId }));
      await new Promise((resolve) => setImmediate(resolve)); // the client has sent them
      for (const watch of leaving) watch.unsubscribe();
      await new Promise((resolve) => setTimeout(resolve, 500));
      staying.unsubscribe();

      await eventually(async () => pubsub.subscriptionCount(topic) === 0);
    } finally {
      await watcher.dispose();
    }
  });
});
