import type { Identity, RequestOptions, ServiceClient } from '@agora/service';

const SESSION_QUERY = /* GraphQL */ `
  query OrdersSessionActive($userId: ID!, $sessionId: ID!) {
    sessionActive(userId: $userId, sessionId: $sessionId)
  }
`;

/** Asks the users subgraph, through its own endpoint, whether a session may still act. */
export function createUsersClient(client: ServiceClient) {
  return {
    async isSessionActive(identity: Identity, options?: RequestOptions): Promise<boolean> {
      const data = await client.request<{ sessionActive: boolean }>(SESSION_QUERY, { ...identity }, options);
      return data.sessionActive;
    },
  };
}

export type UsersClient = ReturnType<typeof createUsersClient>;
