// Apollo Client's cache must be told which types make up each union and interface
// (`possibleTypes`), or it cannot match `... on ErrorResult` and named fragments on unions
// and silently drops those fields. Generated from the public schema:
//   npm run possible-types -w client-example   (a test fails when the file is out of date)
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isAbstractType } from 'graphql';
import { SUPERGRAPH_PATH, buildApiSchema } from '@agora/schema';

export const POSSIBLE_TYPES_PATH = fileURLToPath(new URL('../web/src/possibleTypes.json', import.meta.url));

/** Each union and interface of the public schema with its object types, as JSON text. */
export async function generatePossibleTypes(): Promise<string> {
  const schema = buildApiSchema(await readFile(SUPERGRAPH_PATH, 'utf8'));
  const possibleTypes: Record<string, string[]> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !isAbstractType(type)) continue;
    possibleTypes[type.name] = schema
      .getPossibleTypes(type)
      .map((member) => member.name)
      .sort();
  }
  const sorted = Object.fromEntries(Object.entries(possibleTypes).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(POSSIBLE_TYPES_PATH, await generatePossibleTypes());
  process.stdout.write(`wrote ${POSSIBLE_TYPES_PATH}\n`);
}
