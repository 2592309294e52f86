import { describeSubgraphContract } from '@agora/testkit';
import { PETITIONS_SCHEMA_PATH } from '../subgraph.js';
import { petitionActions, someone, startPetitions, type PetitionsHarness } from './petitionsHarness.js';

let petitions: PetitionsHarness;

afterAll(async () => {
  await petitions.stop();
});

describeSubgraphContract('petitions', async () => {
  petitions = await startPetitions();
  const creator = someone();
  const { id } = await petitionActions(petitions).create(creator, 'Save the library');
  return {
    schemaPath: PETITIONS_SCHEMA_PATH,
    subgraph: petitions.subgraph,
    identity: creator,
    entities: [
      {
        representation: { __typename: 'Petition', id },
        selection: 'id title status creator { id }',
        expected: { id, title: 'Save the library', status: 'CREATED', creator: { id: creator.userId } },
      },
      {
        representation: { __typename: 'User', id: creator.userId },
        selection: 'id petitions { id }',
        expected: { id: creator.userId, petitions: [{ id }] },
      },
    ],
  };
});
