// Data the scenarios need, made through the all-in-one's own gateway as a client would.
import { randomUUID } from 'node:crypto';
import { dataOf, inParallel, postGraphQL } from '@agora/testkit';
import type { AgoraUnderTest } from '../system/agora.js';

async function asUser<Data>(agora: AgoraUnderTest, token: string, query: string, variables = {}): Promise<Data> {
  return dataOf(
    await postGraphQL<Data>(agora.gatewayUrl, query, { variables, headers: { authorization: `Bearer ${token}` } }),
  );
}

/** `count` launched petitions (by one creator), their ids in launch order. */
export async function openPetitions(agora: AgoraUnderTest, count: number): Promise<string[]> {
  const creator = await agora.mintToken(randomUUID());
  const ids: string[] = [];
  await inParallel(
    Array.from({ length: count }, (_, index) => index),
    8,
    async (index) => {
      const { createPetition } = await asUser<{ createPetition: { id: string } }>(
        agora,
        creator,
        'mutation ($t: String!) { createPetition(input: { title: $t, body: "Measured by the benchmark." }) { ... on Petition { id } } }',
        { t: `Benchmark petition ${index + 1}` },
      );
      await asUser(agora, creator, 'mutation ($id: ID!) { launchPetition(id: $id) { __typename } }', {
        id: createPetition.id,
      });
      ids[index] = createPetition.id;
    },
  );
  return ids;
}

/** `signers` different users sign `petitionId` (through the gateway). */
export async function signBy(agora: AgoraUnderTest, petitionId: string, signers: number): Promise<void> {
  await inParallel(
    Array.from({ length: signers }, () => randomUUID()),
    16,
    async (userId) => {
      await asUser(
        agora,
        await agora.mintToken(userId),
        'mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }',
        {
          id: petitionId,
        },
      );
    },
  );
}
