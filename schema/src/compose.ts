import { readFile, writeFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPHS, SUPERGRAPH_PATH, defaultSubgraphUrl, subgraphDir } from './subgraphs.js';

/** The supergraph composed from the six subgraphs' schema files, as committed. */
export async function composeSupergraph(): Promise<string> {
  const services = await Promise.all(
    SUBGRAPHS.map(async ({ name }) => ({
      name,
      url: defaultSubgraphUrl(name),
      typeDefs: parse(await readFile(`${subgraphDir(name)}/schema.graphql`, 'utf8')),
    })),
  );
  const result = composeServices(services);
  if (result.errors !== undefined) {
    throw new Error(`Composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

async function main(): Promise<void> {
  await writeFile(SUPERGRAPH_PATH, await composeSupergraph());
  console.log(`wrote ${SUPERGRAPH_PATH.slice(SUPERGRAPH_PATH.indexOf('schema/'))}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
