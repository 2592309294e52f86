import { encodeCursor } from '@agora/db';
import { readPageRequest, toConnection } from '../index.js';

describe('readPageRequest', () => {
  it('should use the default size when first is not given', () => {
    expect(readPageRequest({}, 20)).toEqual({ limit: 20, after: null });
  });

  it.each([0, -1, 101, 2.5])('should refuse first = %p with BAD_USER_INPUT', (first) => {
    expect(() => readPageRequest({ first }, 20)).toThrow(`first must be between 1 and 100, got ${first}.`);
  });

  it('should refuse a cursor it did not issue', () => {
    expect(() => readPageRequest({ after: 'bogus' }, 20)).toThrow('after is not a valid cursor: "bogus".');
  });

  it('should decode a cursor it issued', () => {
    const after = encodeCursor({ key: 'k', id: 'i' });
    expect(readPageRequest({ first: 5, after }, 20)).toEqual({ limit: 5, after: { key: 'k', id: 'i' } });
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
