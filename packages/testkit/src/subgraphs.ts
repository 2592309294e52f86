import {
  INTERNAL_HEADERS,
  identityHeaders,
  serveSubgraph,
  silentLogger,
  type Identity,
  type RunningServer,
  type SubgraphDefinition,
} from '@agora/service';
import { TEST_GATEWAY_SECRET, postGraphQL, type GraphQLResult, type PostOptions } from './graphql.js';

export interface TestSubgraph extends RunningServer {
  /** Calls the subgraph as the gateway would, optionally as `identity` from `clientAddress`. */
  request<Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    identity?: Identity | null,
    clientAddress?: string,
  ): Promise<GraphQLResult<Data>>;
}

/** Serves a subgraph on a free port with the test gateway secret. */
export async function serveTestSubgraph<Context extends object>(
  subgraph: SubgraphDefinition<Context>,
  options: { production?: boolean } = {},
): Promise<TestSubgraph> {
  const server = await serveSubgraph(subgraph, {
    port: 0,
    host: '127.0.0.1',
    gatewaySecret: TEST_GATEWAY_SECRET,
    production: options.production ?? false,
    logger: silentLogger,
    stopGracePeriodMs: 1_000,
  });
  return {
    ...server,
    request: (query, variables = {}, identity = null, clientAddress) => {
      const request: PostOptions = {
        variables,
        headers: {
          [INTERNAL_HEADERS.gatewaySecret]: TEST_GATEWAY_SECRET,
          ...identityHeaders(identity),
          ...(clientAddress === undefined ? {} : { [INTERNAL_HEADERS.clientAddress]: clientAddress }),
        },
      };
      return postGraphQL(server.url, query, request);
    },
  };
}
