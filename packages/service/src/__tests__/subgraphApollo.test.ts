import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createSubgraphApollo } from '../subgraphServer.js';

const HINTED = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  type Query { count: Int! @cacheControl(maxAge: 7) }
`;
const UNHINTED = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { count: Int! }
`;

/** The Cache-Control header a subgraph built from `sdl` answers `{ count }` with. */
async function cacheControlOf(sdl: string): Promise<string | undefined> {
  const apollo = createSubgraphApollo(
    {
      name: 'probe',
      schema: buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: { Query: { count: () => 1 } } }),
      createContext: () => ({}),
      checkReadiness: async () => {},
    },
    { production: true },
  );
  await apollo.start();
  try {
    const response = await apollo.executeOperation({ query: '{ count }' });
    expect(response.body).toMatchObject({ kind: 'single', singleResult: { data: { count: 1 } } });
    return response.http.headers.get('cache-control');
  } finally {
    await apollo.stop();
  }
}

describe('createSubgraphApollo and cache hints', () => {
  it("should answer a hinted field's Cache-Control", async () => {
    expect(await cacheControlOf(HINTED)).toBe('max-age=7, public');
  });

  it('should answer no Cache-Control from a subgraph that gives no hints, which the gateway reads as not cacheable', async () => {
    expect(await cacheControlOf(UNHINTED)).toBeUndefined();
  });
});
