import { ApolloServer } from '@apollo/server';
import { parse } from 'graphql';
import { createByteBoundedCache, createDocumentStore, documentHeapBytes } from '../byteBoundedCache.js';

describe('createByteBoundedCache', () => {
  function cacheOf(maxBytes: number) {
    let clock = 0;
    const cache = createByteBoundedCache<string>({ maxBytes, sizeOf: (_key, value) => value.length, now: () => clock });
    return { cache, at: (ms: number) => (clock = ms) };
  }

  it('should drop the least recently used entries once their bytes pass maxBytes', async () => {
    const { cache } = cacheOf(30);
    await cache.set('a', 'x'.repeat(10));
    await cache.set('b', 'x'.repeat(10));
    await cache.set('c', 'x'.repeat(10));
    await cache.get('a');
    await cache.set('d', 'x'.repeat(10));

    expect([await cache.get('a'), await cache.get('b'), cache.size, cache.bytes]).toEqual([
      'x'.repeat(10),
      undefined,
      3,
      30,
    ]);
  });

  it('should keep no entry larger than the whole budget, and count a replaced entry once', async () => {
    const { cache } = cacheOf(30);
    await cache.set('small', 'x'.repeat(10));
    await cache.set('huge', 'x'.repeat(31));
    await cache.set('small', 'x'.repeat(20));

    expect([await cache.get('huge'), cache.size, cache.bytes]).toEqual([undefined, 1, 20]);
  });

  it('should not return an entry past its ttl (seconds), and drop it', async () => {
    const { cache, at } = cacheOf(100);
    await cache.set('apq', 'query', { ttl: 2 });
    at(1_999);
    const before = await cache.get('apq');
    at(2_000);
    const after = await cache.get('apq');

    expect([before, after, cache.size, cache.bytes]).toEqual(['query', undefined, 0, 0]);
  });
});

describe('createDocumentStore', () => {
  const typeDefs = 'type Query { hello(n: Int): String }';

  it('should evict the oldest documents once Apollo has stored more than its byte budget', async () => {
    const store = createDocumentStore(200_000);
    const apollo = new ApolloServer({ typeDefs, resolvers: { Query: { hello: () => 'hi' } }, documentStore: store });
    await apollo.start();
    try {
      // Each about 40 tokens, so about 14 KB by the estimate: 100 of them hold far more than the budget.
      const documents = Array.from(
        { length: 100 },
        (_, i) => `query Q${i} { ${Array.from({ length: 6 }, (_, k) => `a${k}: hello(n: ${i})`).join(' ')} }`,
      );
      for (const query of documents) {
        const response = await apollo.executeOperation({ query });
        expect(response.body.kind === 'single' && response.body.singleResult.errors).toBeUndefined();
      }

      expect(store.bytes).toBeLessThanOrEqual(200_000);
      expect(store.bytes).toBeGreaterThan(100_000);
      expect(store.size).toBeGreaterThan(5);
      expect(store.size).toBeLessThan(documents.length);
    } finally {
      await apollo.stop();
    }
  });
});

describe('documentHeapBytes', () => {
  it('should count a parsed document by its tokens, far above the length of its JSON', () => {
    const document = parse('query Q($id: ID!) { petition(id: $id) { id title creator { name } } }');
    const json = JSON.stringify(document).length;

    // 28 tokens (start and end of file included), each measured at 270–430 bytes of heap.
    expect(documentHeapBytes(document)).toBe(350 * 28 + 2 * document.loc!.source.body.length);
    expect(documentHeapBytes(document)).toBeGreaterThan(3 * json);
  });
});
