import { encodeCursor } from '@agora/db';
import { readPageRequest, toConnection } from '../index.js';

describe('readPageRequest', () => {
  it('should use the default size when first is not given', () => {
    expect(readPageRequest({}, 20, 'text')).toEqual({ limit: 20, after: null });
  });

  it.each([0, -1, 101, 2.5])('should refuse first = %p with BAD_USER_INPUT', (first) => {
    expect(() => readPageRequest({ first }, 20, 'text')).toThrow(`first must be between 1 and 100, got ${first}.`);
  });

  const id = 'c5b1d7f0-0d5e-4a51-9f8e-2d7c0b8a1e11';

  it('should refuse a cursor it did not issue', () => {
    expect(() => readPageRequest({ after: 'bogus' }, 20, 'text')).toThrow(
      'after is not a valid cursor for this list: "bogus".',
    );
  });

  it.each([
    ['a timestamp list given a text key', 'timestamp', { key: 'x', id }],
    ['an integer list given a timestamp', 'integer', { key: '2026-01-01T00:00:00.000Z', id }],
    ['any list given an id that is not a uuid', 'text', { key: 'x', id: "1' OR '1'='1" }],
    ['a text list given a NUL character', 'text', { key: 'a\0b', id }],
    ['a timestamp list given year 0, which PostgreSQL refuses', 'timestamp', { key: '0000-01-01T00:00:00Z', id }],
    ['a timestamp list given 30 February', 'timestamp', { key: '2025-02-30T00:00:00.000Z', id }],
    ['a timestamp list given hour 24', 'timestamp', { key: '2025-02-01T24:00:00.000Z', id }],
  ] as const)('should refuse a decodable cursor of the wrong shape: %s', (_case, kind, position) => {
    expect(() => readPageRequest({ after: encodeCursor(position) }, 20, kind)).toThrow(
      'after is not a valid cursor for this list',
    );
  });

  it.each([
    ['timestamp', '2026-11-22T17:40:12.123Z'],
    ['integer', '42'],
    ['text', 'AG-001'],
  ] as const)('should decode a cursor it issued for a %s list', (kind, key) => {
    const after = encodeCursor({ key, id });
    expect(readPageRequest({ first: 5, after }, 20, kind)).toEqual({ limit: 5, after: { key, id } });
  });
});

describe('toConnection', () => {
  const position = (n: number) => ({ key: String(n), id: String(n) });
  const count = async () => 99;

  it('should report a next page and drop the probe row when limit + 1 rows came back', () => {
    const connection = toConnection([1, 2, 3], 2, position, count);
    expect(connection.nodes).toEqual([1, 2]);
    expect(connection.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor(position(2)) });
  });

  it('should report the end when fewer rows came back', () => {
    expect(toConnection([1], 2, position, count).pageInfo).toEqual({
      hasNextPage: false,
      endCursor: encodeCursor(position(1)),
    });
    expect(toConnection([], 2, position, count).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
