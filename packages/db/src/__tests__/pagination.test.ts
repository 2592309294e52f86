import { decodeCursor, encodeCursor, isUuid } from '../index.js';

describe('cursors', () => {
  it('should give back the position when a cursor is decoded', () => {
    const position = { key: '2026-11-22T10:00:00.000Z', id: 'c5b1d7f0-0d5e-4a51-9f8e-2d7c0b8a1e11' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    '',
    'not-base64!',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('[1,2]').toString('base64url'),
  ])('should reject %p as a cursor', (cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });

  it('should tell uuids from other strings', () => {
    expect(isUuid('c5b1d7f0-0d5e-4a51-9f8e-2d7c0b8a1e11')).toBe(true);
    expect(isUuid("1' OR '1'='1")).toBe(false);
  });
});

describe('createByIdLoader', () => {
  it('should find a row whatever the case of the id it is asked for, with one lookup', async () => {
    const { createByIdLoader } = await import('../index.js');
    const id = 'c5b1d7f0-0d5e-4a51-9f8e-2d7c0b8a1e11';
    const asked: string[][] = [];
    const loader = createByIdLoader(async (ids) => {
      asked.push([...ids]);
      return [{ id, name: 'row' }];
    });
    const [lower, upper, bogus] = await Promise.all([
      loader.load(id),
      loader.load(id.toUpperCase()),
      loader.load('nope'),
    ]);
    expect([lower?.name, upper?.name, bogus]).toEqual(['row', 'row', null]);
    expect(asked).toEqual([[id]]);
  });
});
