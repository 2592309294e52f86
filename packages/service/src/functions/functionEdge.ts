import type { IncomingHttpHeaders } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { refuseWithoutGatewaySecret } from '../gatewaySecret.js';
import { createGraphQLEdge, type EdgeRequest } from '../http/edge.js';
import type { EdgeResponse } from '../http/edgeResponse.js';
import type { EdgeBody } from '../http/requestBody.js';
import type { Logger } from '../logger.js';
import { createRequestContext, type SubgraphDefinition } from '../subgraphServer.js';

/** An HTTP request as a function platform delivers it, its body already read. */
export interface FunctionRequest {
  method: string;
  path: string;
  /** The query string with its leading '?', or ''. */
  search: string;
  /** Header names in lower case. */
  headers: IncomingHttpHeaders;
  body: EdgeBody;
}

/** A subgraph ready to answer on a warm instance. */
export interface ServedSubgraph<Context extends object> {
  subgraph: SubgraphDefinition<Context>;
  apollo: ApolloServer<Context>;
}

export interface FunctionEdgeOptions<Context extends object> {
  /** The subgraph's name: 'users'. */
  name: string;
  /** The gateway secret, read without starting anything (throws when it is not configured). */
  gatewaySecret(): string;
  /** The instance's subgraph, started on first use; rejects when it cannot start. */
  served(): Promise<ServedSubgraph<Context>>;
  maxBodyBytes: number;
  logger: Logger;
}

/**
 * Answers requests the way `serveSubgraph` does, on the same edge, without a server: GraphQL
 * at `/` and `/graphql` behind the gateway secret, `/health/live` and `/health/ready` open to
 * probes (readiness starts the instance: a probe warms it as a request would), a JSON 404
 * elsewhere. The secret is checked before anything starts: a caller without it must not make
 * an instance open its database (or hold a connection) just to be refused.
 */
export function createFunctionEdge<Context extends object>(
  options: FunctionEdgeOptions<Context>,
): (request: FunctionRequest) => Promise<EdgeResponse> {
  const edge = createGraphQLEdge<Context>({
    name: `${options.name} subgraph`,
    graphqlPaths: ['/', '/graphql'],
    target: async () => {
      const { subgraph, apollo } = await options.served();
      return { apollo, context: async (request) => createRequestContext(subgraph, request.headers) };
    },
    checkReadiness: async () => (await options.served()).subgraph.checkReadiness(),
    refuse: refuseWithoutGatewaySecret(options.gatewaySecret),
    // Only the gateway gets past the secret: its trace and request id hold.
    traceTrust: 'peers',
    maxBodyBytes: options.maxBodyBytes,
    logger: options.logger,
  });
  return (request) => edge.answer(edgeRequestOf(request));
}

function edgeRequestOf(request: FunctionRequest): EdgeRequest {
  return {
    method: request.method,
    path: request.path,
    search: request.search,
    headers: request.headers,
    // The platform's front end holds the connection; the gateway names the client in a header.
    remoteAddress: undefined,
    body: async () => request.body,
  };
}
