/**
 * A minimal Agora client: POSTs GraphQL to the gateway, keeps the session token, and watches
 * subscriptions over graphql-ws on the same URL. Copy it as a starting point; any GraphQL
 * client works the same way.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

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

/** The data of one result, or its errors thrown. */
interface GraphQLBody<Data> {
  data?: Data | null | undefined;
  errors?: readonly GraphQLError[] | undefined;
}

function dataOf<Data>(body: GraphQLBody<Data>, status: string): Data {
  if (body.errors !== undefined && body.errors.length > 0) throw new AgoraRequestError([...body.errors]);
  if (body.data === undefined || body.data === null) throw new Error(`No data in the answer (${status})`);
  return body.data;
}

export function createAgoraClient(gatewayUrl: string) {
  let token: string | undefined;
  let sockets: Client | undefined;
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
      return dataOf(body, `HTTP ${response.status}`);
    },
    /**
     * Each result a subscription pushes, in order (a mobile app watching a count). One
     * WebSocket carries every watch; the token, if any, goes in its `connection_init`.
     */
    async *watch<Data>(query: string, variables: Record<string, unknown> = {}): AsyncGenerator<Data> {
      sockets ??= createClient({
        url: gatewayUrl.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: () => (token === undefined ? {} : { authorization: `Bearer ${token}` }),
      });
      for await (const result of sockets.iterate<Data>({ query, variables }))
        yield dataOf(result as GraphQLBody<Data>, 'WebSocket');
    },
    /** Closes the WebSocket, if a watch opened one. */
    async close() {
      await sockets?.dispose();
      sockets = undefined;
    },
  };
}

export type AgoraClient = ReturnType<typeof createAgoraClient>;
