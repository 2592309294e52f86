import { serveSubgraph, silentLogger, type RunningServer, type SubgraphDefinition } from '@agora/service';
import { TEST_GATEWAY_SECRET, gatewayHeaders, postGraphQL, type GatewayCalls } from './graphql.js';

export interface TestSubgraph extends RunningServer, GatewayCalls {}

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
    request: (query, variables = {}, identity = null, clientAddress) =>
      postGraphQL(server.url, query, { variables, headers: gatewayHeaders(identity, clientAddress) }),
  };
}
