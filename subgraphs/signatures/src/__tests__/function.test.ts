import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { PetitionLifecycleEvent } from '@agora/adapters';
import { silentLogger } from '@agora/service';
import { dataOf, describeSubgraphFunctionContract, startTestFunction, type TestFunction } from '@agora/testkit';
import { createSignaturesFunction } from '../function.js';
import { SIGNATURES_MIGRATIONS_DIR, SIGNATURES_SCHEMA_PATH } from '../subgraph.js';

/** The petitions lifecycle log across the process edge: answers `petitionEvents` over HTTP. */
async function startPetitionsLog() {
  const events: PetitionLifecycleEvent[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const { after, first } = (JSON.parse(text) as { variables: { after: number; first: number } }).variables;
      const petitionEvents = events.filter((event) => event.sequence > after).slice(0, first);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { petitionEvents } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    /** Appends a launch or a close, as petitions commits one. */
    append(petitionId: string, status: 'OPEN' | 'CLOSED') {
      events.push({ sequence: events.length + 1, petitionId, status });
    },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

let harness: TestFunction;
let petitionsLog: Awaited<ReturnType<typeof startPetitionsLog>>;

beforeAll(async () => {
  petitionsLog = await startPetitionsLog();
  harness = await startTestFunction('signatures', (env) => createSignaturesFunction(env, silentLogger), {
    PETITIONS_URL: petitionsLog.url,
  });
});

afterAll(async () => {
  await harness.stop();
  await petitionsLog.stop();
});

describeSubgraphFunctionContract('signatures', {
  schemaPath: SIGNATURES_SCHEMA_PATH,
  migrationsDir: SIGNATURES_MIGRATIONS_DIR,
  harness: () => harness,
});

describe('signatures function', () => {
  const SIGN = `mutation ($id: ID!) {
    signPetition(petitionId: $id) { __typename ... on Signature { signatureCount } ... on ErrorResult { code } }
  }`;
  const someone = () => ({ userId: randomUUID(), sessionId: randomUUID() });

  it('should take launches and closes from the petitions log when ticked', async () => {
    const petitionId = randomUUID();
    petitionsLog.append(petitionId, 'OPEN');
    await harness.fn.tick();
    expect(dataOf(await harness.lambda.request(SIGN, { id: petitionId }, someone()))).toEqual({
      signPetition: { __typename: 'Signature', signatureCount: 1 },
    });

    petitionsLog.append(petitionId, 'CLOSED');
    await harness.fn.tick();
    expect(dataOf(await harness.gcf.request(SIGN, { id: petitionId }, someone()))).toEqual({
      signPetition: { __typename: 'PetitionNotOpen', code: 'PETITION_NOT_OPEN' },
    });
  });

  it('should sign through both handlers and rank the petition by its count', async () => {
    const petitionId = randomUUID();
    // No tick first: signing reads the log itself when it meets a petition it does not know.
    petitionsLog.append(petitionId, 'OPEN');
    for (const invoker of [harness.gcf, harness.lambda]) {
      expect(dataOf(await invoker.request(SIGN, { id: petitionId }, someone()))).toMatchObject({
        signPetition: { __typename: 'Signature' },
      });
    }
    const { mostSignedPetitions } = dataOf(
      await harness.gcf.request<{ mostSignedPetitions: unknown[] }>(
        '{ mostSignedPetitions(first: 5) { id signatureCount } }',
      ),
    );
    expect(mostSignedPetitions).toContainEqual({ id: petitionId, signatureCount: 2 });
  });
});
