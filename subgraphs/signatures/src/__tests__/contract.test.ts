import { describeSubgraphContract, eventually } from '@agora/testkit';
import { SIGNATURES_SCHEMA_PATH } from '../subgraph.js';
import { SIGN, someone, startSignatures, type SignaturesHarness } from './signaturesHarness.js';

let signatures: SignaturesHarness;

afterAll(async () => {
  await signatures.stop();
});

describeSubgraphContract('signatures', async () => {
  signatures = await startSignatures();
  const id = await signatures.launch();
  await eventually(async () => (await signatures.replicaStatus(id)) === 'OPEN');
  const signer = someone();
  await signatures.subgraph.request(SIGN, { id }, signer);
  return {
    schemaPath: SIGNATURES_SCHEMA_PATH,
    subgraph: signatures.subgraph,
    identity: signer,
    entities: [
      {
        representation: { __typename: 'Petition', id },
        selection: 'id signatureCount viewerHasSigned',
        expected: { id, signatureCount: 1, viewerHasSigned: true },
      },
      {
        representation: { __typename: 'User', id: signer.userId },
        selection: 'id signedPetitions { totalCount nodes { id } }',
        expected: { id: signer.userId, signedPetitions: { totalCount: 1, nodes: [{ id }] } },
      },
    ],
  };
});
