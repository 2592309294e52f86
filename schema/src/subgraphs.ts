import { fileURLToPath } from 'node:url';

/** The six subgraphs, in the order they are composed and started. */
export const SUBGRAPHS = [
  { name: 'users', port: 4001 },
  { name: 'inventory', port: 4002 },
  { name: 'orders', port: 4003 },
  { name: 'financial', port: 4004 },
  { name: 'petitions', port: 4005 },
  { name: 'signatures', port: 4006 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function subgraphDir(name: SubgraphName): string {
  return `${REPO_ROOT}subgraphs/${name}`;
}

export const SUPERGRAPH_PATH = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));

/**
 * The URL baked into the committed supergraph: the service's name as a host, as in
 * docker-compose. The gateway replaces it at run time with the URL it is configured with.
 */
export function defaultSubgraphUrl(name: SubgraphName): string {
  const port = SUBGRAPHS.find((subgraph) => subgraph.name === name)?.port;
  return `http://${name}:${port}/graphql`;
}
