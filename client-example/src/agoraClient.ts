/**
 * A minimal Agora client: POSTs GraphQL to the gateway and keeps the session token.
 * Copy it as a starting point; any GraphQL client works the same way.
 */
export interface GraphQLError {
  message: string;
  extensions?: { code?: string };
}

export class AgoraRequestError extends Error {
  constructor(readonly errors: GraphQLError[]) {
    super(errors.map((error) => `${error.extensions?.code ?? 'ERROR'}: ${error.message}`).join('; '));
    this.name = 'AgoraRequestError';
  }
}

export function createAgoraClient(gatewayUrl: string) {
  let token: string | undefined;
  return {
    /** Sends later requests as the user this token belongs to (from register or login). */
    useToken(newToken: string | undefined) {
      token = newToken;
    },
    async request<Data>(query: string, variables: Record<string, unknown> = {}): Promise<Data> {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Data; errors?: GraphQLError[] };
      if (body.errors !== undefined && body.errors.length > 0) throw new AgoraRequestError(body.errors);
      if (body.data === undefined) throw new Error(`No data in the answer (HTTP ${response.status})`);
      return body.data;
    },
  };
}

export type AgoraClient = ReturnType<typeof createAgoraClient>;
