export { composeSupergraph } from './compose.js';
export { SUBGRAPHS, SUPERGRAPH_PATH, defaultSubgraphUrl, subgraphDir, type SubgraphName } from './subgraphs.js';
export { buildApiSchema } from './apiSchema.js';
