import { readFile } from 'node:fs/promises';
import { POSSIBLE_TYPES_PATH, generatePossibleTypes } from '../possibleTypes.js';

describe("the web app's possibleTypes", () => {
  it('should match the public schema (run `npm run possible-types -w client-example` when this fails)', async () => {
    const generated = JSON.parse(await generatePossibleTypes()) as Record<string, string[]>;

    expect(await readFile(POSSIBLE_TYPES_PATH, 'utf8')).toBe(await generatePossibleTypes());
    expect(generated['ErrorResult']).toEqual(expect.arrayContaining(['InsufficientStock', 'PaymentDeclined']));
    expect(generated['SignResult']).toEqual(['AlreadySigned', 'PetitionNotFound', 'PetitionNotOpen', 'Signature']);
  });
});
