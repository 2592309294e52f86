import { createHash } from 'node:crypto';
import { openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';

const TOP = 'query Top { mostSignedPetitions(first: 50) { id title signatureCount } }';

interface GetAnswer {
  status: number;
  cacheControl: string | null;
  /** Set only on answers the gateway's response cache gave. */
  age: string | null;
  allowOrigin: string | null;
  body: {
    data?: { mostSignedPetitions?: { id: string; signatureCount: number }[] } | null;
    errors?: { extensions?: { code?: string } }[];
  };
}

function hashOf(query: string): string {
  return createHash('sha256').update(query).digest('hex');
}

/** A GET of a persisted query (registered on first use when `withQuery`), as a web client sends it. */
async function get(
  agora: TestAgora,
  query: string,
  options: { withQuery?: boolean; token?: string; preflight?: boolean; hash?: string; origin?: string } = {},
): Promise<GetAnswer> {
  const url = new URL(agora.gatewayUrl);
  url.searchParams.set(
    'extensions',
    JSON.stringify({ persistedQuery: { version: 1, sha256Hash: options.hash ?? hashOf(query) } }),
  );
  if (options.withQuery === true) url.searchParams.set('query', query);
  const response = await fetch(url, {
    headers: {
      ...(options.preflight === false ? {} : { 'apollo-require-preflight': 'true' }),
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.origin === undefined ? {} : { origin: options.origin }),
    },
  });
  return {
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
    age: response.headers.get('age'),
    allowOrigin: response.headers.get('access-control-allow-origin'),
    body: (await response.json()) as GetAnswer['body'],
  };
}

function countOf(answer: GetAnswer, petitionId: string): number | undefined {
  return answer.body.data?.mostSignedPetitions?.find((petition) => petition.id === petitionId)?.signatureCount;
}

describe('GET with persisted queries and the response cache', () => {
  let agora: TestAgora;
  let creator: { id: string; token: string };
  let petitionId: string;

  beforeAll(async () => {
    agora = await startTestAgora();
    creator = await registerUser(agora, 'Cache');
    petitionId = await openPetition(agora, creator.token, 'Cached for a second');
  });

  afterAll(async () => {
    await agora.stop();
  });

  it('should answer an unknown hash with PERSISTED_QUERY_NOT_FOUND, then run it by hash once registered', async () => {
    const query = 'query Unknown { mostSignedPetitions(first: 3) { id } }';
    const unknown = await get(agora, query);
    const registered = await get(agora, query, { withQuery: true });
    const byHash = await get(agora, query);

    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(registered.status).toBe(200);
    expect(byHash.status).toBe(200);
    expect(byHash.body.data?.mostSignedPetitions).toEqual(registered.body.data?.mostSignedPetitions);
  });

  it('should not register a query whose hash does not match it', async () => {
    const query = 'query Mismatch { mostSignedPetitions(first: 4) { id } }';
    const forged = await get(agora, query, { withQuery: true, hash: hashOf('something else') });
    const byHash = await get(agora, query, { hash: hashOf('something else') });

    expect(forged.status).toBe(400);
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(byHash.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('should not register a query the limits refuse', async () => {
    const tooDeep = `query Deep { mostSignedPetitions(first: 1) { creator { petitions { creator { petitions { creator { petitions { creator { petitions { creator { petitions { id } } } } } } } } } } } }`;
    const refused = await get(agora, tooDeep, { withQuery: true });
    const byHash = await get(agora, tooDeep);

    expect(refused.status).toBe(400);
    expect(byHash.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('should serve an anonymous public read from the cache, and the new count within about a second', async () => {
    await get(agora, TOP, { withQuery: true });
    const first = await get(agora, TOP);
    const second = await get(agora, TOP);
    expect(first.cacheControl).toBe('max-age=1, public');
    expect(second.age).not.toBeNull();
    expect(second.body).toEqual(first.body);
    const before = countOf(second, petitionId) ?? -1;

    const signed = await agora.request<{ signPetition: { signatureCount: number } }>(
      'mutation ($id: ID!) { signPetition(petitionId: $id) { ... on Signature { signatureCount } } }',
      { id: petitionId },
      await agora.mintToken(),
    );
    expect(signed.data?.signPetition.signatureCount).toBe(before + 1);
    const signedAt = Date.now();
    let seen = before;
    while (seen !== before + 1 && Date.now() - signedAt < 5_000) {
      seen = countOf(await get(agora, TOP), petitionId) ?? -1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(seen).toBe(before + 1);
    // max-age=1 counted from when the answer was kept: about a second and the round trips
    // (with room for a busy CI machine).
    expect(Date.now() - signedAt).toBeLessThan(2_500);
  });

  it('should refresh a kept answer once half its life has passed, answering the others from it meanwhile', async () => {
    const query = 'query Refreshed { mostSignedPetitions(first: 6) { id title signatureCount } }';
    await get(agora, query, { withQuery: true });
    const kept = await get(agora, query);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const refreshing = await get(agora, query);
    const fromRefreshed = await get(agora, query);

    expect(kept.age).toBeNull();
    // 0.6 s into a 1 s life: executed again (no Age), though the kept answer was still valid.
    expect(refreshing.age).toBeNull();
    expect(fromRefreshed.age).toBe('0');
    expect(fromRefreshed.body).toEqual(refreshing.body);
  });

  it('should give a cached answer the CORS header a browser needs to read it', async () => {
    await get(agora, TOP, { withQuery: true });
    await get(agora, TOP);
    const fromBrowser = await get(agora, TOP, { origin: 'https://petitions.example' });

    expect(fromBrowser.age).not.toBeNull();
    expect(fromBrowser.allowOrigin).toBe('*');
  });

  it('should never answer a signed-in caller from the cache, nor mark their answer public', async () => {
    await get(agora, TOP, { withQuery: true });
    await get(agora, TOP);
    const signedIn = await get(agora, TOP, { token: creator.token });

    expect(signedIn.status).toBe(200);
    expect(signedIn.age).toBeNull();
    expect(signedIn.cacheControl ?? '').not.toMatch(/public/);
  });

  it('should not cache what depends on the caller or has no hint', async () => {
    const perCaller = 'query Mine { mostSignedPetitions(first: 5) { id viewerHasSigned } }';
    const unhinted = 'query Creators { mostSignedPetitions(first: 5) { id creator { name } } }';
    for (const query of [perCaller, unhinted]) {
      await get(agora, query, { withQuery: true });
      const again = await get(agora, query);
      expect(again.status).toBe(200);
      expect(again.age).toBeNull();
      expect(again.cacheControl ?? '').not.toMatch(/public/);
    }
  });

  it('should still refuse a GET without a preflight header (CSRF) when the same URL is cached', async () => {
    await get(agora, TOP, { withQuery: true });
    await get(agora, TOP);
    const simple = await get(agora, TOP, { preflight: false });

    expect(simple.status).toBe(400);
    expect(simple.age).toBeNull();
    expect(simple.body.data ?? null).toBeNull();
  });
});
