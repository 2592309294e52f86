import { randomUUID } from 'node:crypto';
import {
  MemKeyValueStore,
  MemPubSub,
  MemRankedSet,
  MemRateLimiter,
  TOPICS,
  type Message,
  type RankedSet,
} from '@agora/adapters';
import { runMigrations } from '@agora/db';
import { silentLogger } from '@agora/service';
import { MessageQueue, createTestDatabase, dataOf, serveTestSubgraph } from '@agora/testkit';
import { PETITIONS_MIGRATIONS_DIR, createPetitionsSubgraph } from '../subgraph.js';

/** The petitions subgraph on its own fresh database, with in-process pub/sub it listens to. */
export async function startPetitions(options: { rankedSets?: RankedSet; draftsPerHour?: number } = {}) {
  const database = await createTestDatabase('petitions');
  await runMigrations(database.db, PETITIONS_MIGRATIONS_DIR);
  const pubsub = new MemPubSub();
  const events = new MessageQueue<Message>();
  await pubsub.subscribe(TOPICS.petitionLifecycle, events.push);
  const rankedSets = options.rankedSets ?? new MemRankedSet();
  const subgraph = await serveTestSubgraph(
    createPetitionsSubgraph({
      db: database.db,
      pubsub,
      rankedSets,
      kv: new MemKeyValueStore(),
      logger: silentLogger,
      openListReconcileIntervalMs: 3_600_000,
      rateLimiter: new MemRateLimiter(),
      draftsPerHour: options.draftsPerHour ?? 1_000,
    }),
  );
  return {
    database,
    events,
    rankedSets,
    subgraph,
    async stop() {
      await subgraph.stop();
      await pubsub.close();
      await database.drop();
    },
  };
}

export type PetitionsHarness = Awaited<ReturnType<typeof startPetitions>>;

export function someone() {
  return { userId: randomUUID(), sessionId: randomUUID() };
}

export const PETITION_RESULT = `
  __typename
  ... on Petition { id title body status creator { id } createdAt openedAt closedAt }
  ... on ErrorResult { code message }
  ... on InvalidTransition { status }
  ... on InvalidInput { field }
  ... on PetitionNotFound { petitionId }
`;

export interface PetitionResult {
  __typename: string;
  id?: string;
  status?: string;
  openedAt?: string | null;
  closedAt?: string | null;
  code?: string;
  message?: string;
  field?: string;
}

type Caller = ReturnType<typeof someone>;

/** Shortcuts that run one mutation as `caller` and return its result object. */
export function petitionActions(harness: PetitionsHarness) {
  async function run(mutation: string, variables: Record<string, unknown>, caller: Caller): Promise<PetitionResult> {
    const data = dataOf(await harness.subgraph.request<Record<string, PetitionResult>>(mutation, variables, caller));
    return Object.values(data)[0] as PetitionResult;
  }
  return {
    create: (caller: Caller, title = 'Plant more trees', body = 'In every street of the city.') =>
      run(
        `mutation ($input: PetitionInput!) { createPetition(input: $input) { ${PETITION_RESULT} } }`,
        { input: { title, body } },
        caller,
      ),
    update: (caller: Caller, id: string, title: string, body = 'A better body.') =>
      run(
        `mutation ($id: ID!, $input: PetitionInput!) { updatePetition(id: $id, input: $input) { ${PETITION_RESULT} } }`,
        { id, input: { title, body } },
        caller,
      ),
    launch: (caller: Caller, id: string) =>
      run(`mutation ($id: ID!) { launchPetition(id: $id) { ${PETITION_RESULT} } }`, { id }, caller),
    close: (caller: Caller, id: string) =>
      run(`mutation ($id: ID!) { closePetition(id: $id) { ${PETITION_RESULT} } }`, { id }, caller),
  };
}
