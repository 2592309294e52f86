// A stock @apollo/gateway in @apollo/server with default settings: the baseline a team would
// get from Apollo's getting-started guide. Only two things are added, both needed to talk to
// Agora's subgraphs at all: the subgraph URLs on this machine and the gateway secret header.
// Run: SUPERGRAPH_PATH=… GATEWAY_SECRET=… USERS_URL=… (one per subgraph) PORT=0 node bench/dist/peers/apolloGateway.js
// (compiled by `npm run build`, as Agora's processes are, so neither pays for a transpiler).
import { readFile } from 'node:fs/promises';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
};

const secret = env('GATEWAY_SECRET');
const gateway = new ApolloGateway({
  supergraphSdl: await readFile(env('SUPERGRAPH_PATH'), 'utf8'),
  buildService: ({ name, url }) =>
    new RemoteGraphQLDataSource({
      url: process.env[`${name.toUpperCase()}_URL`] ?? url ?? '',
      willSendRequest: ({ request }) => request.http?.headers.set('x-agora-gateway-secret', secret),
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
