import { readFile } from 'node:fs/promises';
import { generateResolverTypes, generatedResolversPath } from '../codegen.js';
import { SUBGRAPHS } from '../subgraphs.js';

describe('generated resolver types', () => {
  it.each(SUBGRAPHS.map(({ name }) => name))(
    'should match the %s schema (run `npm run codegen` when this fails)',
    async (name) => {
      expect(await readFile(generatedResolversPath(name), 'utf8')).toBe(await generateResolverTypes(name));
    },
  );
});
