import { randomUUID } from 'node:crypto';
import { TOPICS, createAdapters, type Adapters } from '@agora/adapters';
import { silentLogger } from '@agora/service';
import {
  dataOf,
  describeSubgraphFunctionContract,
  eventually,
  startTestFunction,
  type TestFunction,
} from '@agora/testkit';
import { createPetitionsFunction } from '../function.js';
import { PETITIONS_MIGRATIONS_DIR, PETITIONS_SCHEMA_PATH } from '../subgraph.js';

const OPEN_LIST = 'petitions:open';

let harness: TestFunction;
/** The function's Redis, as the gateway and signatures see it. */
let adapters: Adapters;

beforeAll(async () => {
  harness = await startTestFunction('petitions', (env) => createPetitionsFunction(env, silentLogger));
  adapters = createAdapters({ redisUrl: harness.env['REDIS_URL'], prefix: harness.env['REDIS_PREFIX'] as string });
});

afterAll(async () => {
  await adapters.close();
  await harness.stop();
});

describeSubgraphFunctionContract('petitions', {
  schemaPath: PETITIONS_SCHEMA_PATH,
  migrationsDir: PETITIONS_MIGRATIONS_DIR,
  harness: () => harness,
});

describe('petitions function', () => {
  const creator = { userId: randomUUID(), sessionId: randomUUID() };

  /** Drafts through the Lambda handler and launches through the Cloud Functions one. */
  async function launch(title: string): Promise<string> {
    const { createPetition } = dataOf(
      await harness.lambda.request<{ createPetition: { id: string; status: string } }>(
        'mutation ($input: PetitionInput!) { createPetition(input: $input) { ... on Petition { id status } } }',
        { input: { title, body: 'Asked of a function.' } },
        creator,
      ),
    );
    expect(createPetition.status).toBe('CREATED');
    const { launchPetition } = dataOf(
      await harness.gcf.request<{ launchPetition: { status: string } }>(
        'mutation ($id: ID!) { launchPetition(id: $id) { ... on Petition { status } } }',
        { id: createPetition.id },
        creator,
      ),
    );
    expect(launchPetition.status).toBe('OPEN');
    return createPetition.id;
  }

  it('should draft, launch and list a petition across both handlers, and publish the launch', async () => {
    const published: unknown[] = [];
    const unsubscribe = await adapters.pubsub.subscribe(TOPICS.petitionLifecycle, (message) => published.push(message));
    try {
      const id = await launch('Benches in the park');
      const { openPetitions } = dataOf(
        await harness.lambda.request<{ openPetitions: { nodes: unknown[] } }>(
          '{ openPetitions(first: 10) { nodes { id title status } } }',
        ),
      );
      expect(openPetitions.nodes).toContainEqual({ id, title: 'Benches in the park', status: 'OPEN' });
      await eventually(async () => published.length > 0);
      expect(published).toContainEqual(expect.objectContaining({ petitionId: id, status: 'OPEN' }));
    } finally {
      await unsubscribe();
    }
  });

  it('should put the open list back into Redis when ticked after Redis lost it', async () => {
    await launch('Lights on the bridge');
    const open = await harness.database.db.queryOne<{ count: number }>(
      `SELECT count(*)::int AS count FROM petitions WHERE status = 'OPEN'`,
    );
    await adapters.rankedSets.replace(OPEN_LIST, []);
    expect(await adapters.rankedSets.size(OPEN_LIST)).toBe(0);

    await harness.fn.tick();
    expect(await adapters.rankedSets.size(OPEN_LIST)).toBe(open?.count);
  });
});
