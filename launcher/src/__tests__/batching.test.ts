import { createDb } from '@agora/db';
import { dataOf, eventually } from '@agora/testkit';
import { openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';

describe('batching through the gateway', () => {
  let agora: TestAgora;
  let reader: { token: string };

  beforeAll(async () => {
    agora = await startTestAgora();
    const creators = await Promise.all(['Ann', 'Bob', 'Cyd', 'Dee', 'Eve'].map((name) => registerUser(agora, name)));
    reader = await registerUser(agora, 'Reader');
    for (let i = 0; i < 50; i++) {
      const creator = creators[i % creators.length]!;
      const id = await openPetition(agora, creator.token, `Petition ${i}`);
      if (i % 10 === 0)
        await agora.request(
          `mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }`,
          { id },
          reader.token,
        );
    }
    // Launch events reach the signatures replica in the background; let them land first.
    const signaturesDb = createDb({ connectionString: agora.databaseUrls.signatures });
    try {
      await eventually(
        async () =>
          (await signaturesDb.queryOne<{ n: number }>('SELECT last_sequence::int AS n FROM replica_position'))?.n ===
          50,
      );
    } finally {
      await signaturesDb.close();
    }
  });

  afterAll(async () => {
    await agora.stop();
  });

  it('should read a page of 50 petitions with creators and counts in one statement per question', async () => {
    agora.resetQueryCounts();

    const result = await agora.request<{
      openPetitions: { nodes: { creator: { name: string }; signatureCount: number; viewerHasSigned: boolean }[] };
    }>(
      `{ openPetitions(first: 50) { nodes { title creator { name } signatureCount viewerHasSigned } } }`,
      {},
      reader.token,
    );

    const nodes = dataOf(result).openPetitions.nodes;
    expect(nodes).toHaveLength(50);
    expect(new Set(nodes.map((node) => node.creator.name))).toEqual(new Set(['Ann', 'Bob', 'Cyd', 'Dee', 'Eve']));
    expect(nodes.filter((node) => node.viewerHasSigned)).toHaveLength(5);
    expect(nodes.reduce((sum, node) => sum + node.signatureCount, 0)).toBe(5);
    // The page and the counts come from Redis (here its in-process twin); users: the creators;
    // signatures: which of them the caller signed.
    expect(agora.queryCounts()).toEqual({ users: 1, signatures: 1 });
  });
});
