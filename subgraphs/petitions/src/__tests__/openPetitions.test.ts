import { dataOf, errorCodes } from '@agora/testkit';
import { petitionActions, someone, startPetitions, type PetitionsHarness } from './petitionsHarness.js';

interface OpenPage {
  openPetitions: {
    nodes: { id: string; title: string; openedAt: string }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}

const OPEN = `query ($first: Int, $after: String) {
  openPetitions(first: $first, after: $after) { nodes { id title openedAt } pageInfo { hasNextPage endCursor } totalCount }
}`;

describe('petitions open list', () => {
  let petitions: PetitionsHarness;
  const launchedIds: string[] = [];

  beforeAll(async () => {
    petitions = await startPetitions();
    const act = petitionActions(petitions);
    const creator = someone();
    for (let i = 0; i < 55; i++) {
      const { id } = await act.create(creator, `Petition ${i}`);
      await act.launch(creator, id as string);
      launchedIds.push(id as string);
    }
    await act.create(creator, 'A draft');
    const { id: closedId } = await act.create(creator, 'Closed one');
    await act.launch(creator, closedId as string);
    await act.close(creator, closedId as string);
  });

  afterAll(async () => {
    await petitions.stop();
  });

  it('should list open petitions newest launched first, anonymously, across pages', async () => {
    const first = dataOf(await petitions.subgraph.request<OpenPage>(OPEN, { first: 50 }));
    const second = dataOf(
      await petitions.subgraph.request<OpenPage>(OPEN, { first: 50, after: first.openPetitions.pageInfo.endCursor }),
    );

    expect(first.openPetitions.totalCount).toBe(55);
    expect(first.openPetitions.pageInfo.hasNextPage).toBe(true);
    expect(second.openPetitions.pageInfo.hasNextPage).toBe(false);
    const nodes = [...first.openPetitions.nodes, ...second.openPetitions.nodes];
    expect(nodes.map((node) => node.id).sort()).toEqual([...launchedIds].sort());
    const openedAt = nodes.map((node) => Date.parse(node.openedAt));
    expect(openedAt).toEqual([...openedAt].sort((a, b) => b - a));
  });

  it('should use the default page size of 50 when first is not given', async () => {
    expect(dataOf(await petitions.subgraph.request<OpenPage>(OPEN)).openPetitions.nodes).toHaveLength(50);
  });

  it('should refuse a page size over 100', async () => {
    expect(errorCodes(await petitions.subgraph.request(OPEN, { first: 1000 }))).toEqual(['BAD_USER_INPUT']);
  });

  it('should refuse a decodable cursor whose key is not a timestamp', async () => {
    const forged = Buffer.from(JSON.stringify(['x', '6f1c2a57-0000-4000-8000-000000000000'])).toString('base64url');
    const result = await petitions.subgraph.request(OPEN, { after: forged });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toBe(`after is not a valid cursor for this list: "${forged}".`);
  });

  it('should serve a page of 50 with its creators from the open list, without PostgreSQL', async () => {
    petitions.database.resetQueryCount();
    const result = await petitions.subgraph.request<{
      openPetitions: { nodes: { status: string; creator: { id: string } }[] };
    }>(`{ openPetitions(first: 50) { nodes { id title status creator { id } openedAt } } }`);
    const nodes = dataOf(result).openPetitions.nodes;
    expect(nodes).toHaveLength(50);
    expect(nodes.every((node) => node.status === 'OPEN' && typeof node.creator.id === 'string')).toBe(true);
    expect(petitions.database.queryCount()).toBe(0);
  });

  it('should rebuild the open list from PostgreSQL when Redis lost it, and answer the same', async () => {
    const before = dataOf(await petitions.subgraph.request<OpenPage>(OPEN, { first: 60 })).openPetitions;
    await petitions.rankedSets.replace('petitions:open', []);

    const after = dataOf(await petitions.subgraph.request<OpenPage>(OPEN, { first: 60 })).openPetitions;

    expect(after).toEqual(before);
    expect(await petitions.rankedSets.size('petitions:open')).toBe(55);
  });

  it('should resolve 50 petitions as entities with one SQL statement', async () => {
    petitions.database.resetQueryCount();
    const result = await petitions.subgraph.request(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Petition { id title } } }`,
      { r: launchedIds.slice(0, 50).map((id) => ({ __typename: 'Petition', id })) },
    );
    expect((dataOf(result) as { _entities: unknown[] })._entities).toHaveLength(50);
    expect(petitions.database.queryCount()).toBe(1);
  });
});

describe('petitions open list without Redis', () => {
  it('should serve the list from PostgreSQL when Redis cannot be reached', async () => {
    const away = new Error('Redis is down');
    const petitions = await startPetitions({
      rankedSets: {
        setScores: () => Promise.reject(away),
        remove: () => Promise.reject(away),
        scores: () => Promise.reject(away),
        highest: () => Promise.reject(away),
        size: () => Promise.reject(away),
        exists: () => Promise.reject(away),
        replace: () => Promise.reject(away),
      },
    });
    try {
      const act = petitionActions(petitions);
      const creator = someone();
      const { id } = await act.create(creator, 'Still listed');
      expect(await act.launch(creator, id as string)).toMatchObject({ status: 'OPEN' });
      const result = await petitions.subgraph.request<OpenPage>(OPEN, { first: 10 });
      expect(dataOf(result).openPetitions).toMatchObject({ totalCount: 1, nodes: [{ id, title: 'Still listed' }] });
    } finally {
      await petitions.stop();
    }
  });
});
