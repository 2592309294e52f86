// A stock @apollo/gateway in @apollo/server with default settings: the baseline a team would
// get from Apollo's getting-started guide. Only what is needed to talk to Agora's subgraphs at
// all is added: the subgraph URLs on this machine, the gateway secret header, and the identity
// headers passed on as the client sent them (this peer verifies no token: in the signing burst
// the load generator sends what Agora's gateway would derive from one).
// Run: SUPERGRAPH_PATH=… GATEWAY_SECRET=… USERS_URL=… (one per subgraph) PORT=0 node bench/dist/peers/apolloGateway.js
// (compiled by `npm run build`, as Agora's processes are, so neither pays for a transpiler).
import { readFile } from 'node:fs/promises';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { INTERNAL_HEADERS } from '@agora/service';

/** Who is calling, as Agora's subgraphs read it; copied from the client's request when it has them. */
const IDENTITY_HEADERS = [INTERNAL_HEADERS.userId, INTERNAL_HEADERS.sessionId];

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
};

const secret = env('GATEWAY_SECRET');

/** The secret on every subgraph request, and the client's identity headers on those it asked for. */
function addAgoraHeaders(options: GraphQLDataSourceProcessOptions): void {
  const outgoing = options.request.http?.headers;
  if (outgoing === undefined) return;
  outgoing.set(INTERNAL_HEADERS.gatewaySecret, secret);
  // Health checks and schema loading have no client request to copy from.
  if (!('incomingRequestContext' in options)) return;
  const incoming = options.incomingRequestContext.request.http?.headers;
  for (const header of IDENTITY_HEADERS) {
    const value = incoming?.get(header);
    if (value !== undefined && value !== null) outgoing.set(header, value);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: await readFile(env('SUPERGRAPH_PATH'), 'utf8'),
  buildService: ({ name, url }) =>
    new RemoteGraphQLDataSource({
      url: process.env[`${name.toUpperCase()}_URL`] ?? url ?? '',
      willSendRequest: addAgoraHeaders,
    }),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env['PORT'] ?? 0), host: '127.0.0.1' },
});
process.stdout.write(`apollo gateway listening on ${url.replace(/\/$/, '')}/graphql\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.stop().then(() => process.exit(0));
  });
}
