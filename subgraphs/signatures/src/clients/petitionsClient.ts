import type { PetitionLifecycleEvent } from '@agora/adapters';
import type { RequestOptions, ServiceClient } from '@agora/service';

const EVENTS_QUERY = /* GraphQL */ `
  query SignaturesPetitionEvents($after: Int!, $first: Int!) {
    petitionEvents(after: $after, first: $first) {
      sequence
      petitionId
      status
    }
  }
`;

/** Reads the petitions lifecycle log, through the petitions subgraph's own endpoint. */
export function createPetitionsClient(client: ServiceClient) {
  return {
    async fetchEventsAfter(
      sequence: number,
      limit: number,
      options?: RequestOptions,
    ): Promise<PetitionLifecycleEvent[]> {
      const data = await client.request<{ petitionEvents: PetitionLifecycleEvent[] }>(
        EVENTS_QUERY,
        { after: sequence, first: limit },
        options,
      );
      return data.petitionEvents;
    },
  };
}

export type PetitionsClient = ReturnType<typeof createPetitionsClient>;
