import { createDb } from '@agora/db';
import { openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';

const SIGN = `mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }`;

interface SignAnswer {
  status: number;
  retryAfter: string | null;
  body: {
    data?: { signPetition: { __typename: string } } | null;
    errors?: { message: string; extensions: { code: string; retryAfter?: number } }[];
  };
}

/** Signs over plain HTTP (the status and Retry-After header are what this file is about). */
async function sign(agora: TestAgora, petitionId: string, token: string, fromAddress: string): Promise<SignAnswer> {
  const response = await fetch(agora.gatewayUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      // The test plays the one proxy the gateway trusts, which records the client's address.
      'x-forwarded-for': fromAddress,
    },
    body: JSON.stringify({ query: SIGN, variables: { id: petitionId } }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as SignAnswer['body'],
  };
}

describe('signing rate limits through the gateway', () => {
  let agora: TestAgora;
  const petitionIds: string[] = [];

  beforeAll(async () => {
    agora = await startTestAgora({
      trustedProxyHops: 1,
      signing: {
        replicaSyncIntervalMs: 3_600_000,
        reconcileIntervalMs: 3_600_000,
        maxBatch: 500,
        replicaMaxAgeMs: null,
        countsSource: 'redis',
        limits: { perUser: 3, perAddress: 5 },
      },
    });
    const creator = await registerUser(agora, 'Organiser');
    for (let i = 0; i < 4; i++) {
      const id = await openPetition(agora, creator.token, `Limited ${i}`);
      petitionIds.push(id);
    }
  });

  afterAll(async () => {
    await agora.stop();
  });

  async function signaturesOn(petitionId: string): Promise<number> {
    const db = createDb({ connectionString: agora.databaseUrls.signatures });
    try {
      const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM signatures WHERE petition_id = $1', [
        petitionId,
      ]);
      return row?.n ?? 0;
    } finally {
      await db.close();
    }
  }

  it('should answer 429 with Retry-After and a clear RATE_LIMITED error once a user passes their limit, storing nothing', async () => {
    const token = await agora.mintToken();
    const accepted = [];
    for (const id of petitionIds.slice(0, 3)) accepted.push(await sign(agora, id, token, '198.51.100.1'));
    expect(accepted.map((answer) => [answer.status, answer.body.data?.signPetition.__typename])).toEqual([
      [200, 'Signature'],
      [200, 'Signature'],
      [200, 'Signature'],
    ]);
    const before = await signaturesOn(petitionIds[3] as string);

    const refused = await sign(agora, petitionIds[3] as string, token, '198.51.100.1');

    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        message: `Too many signatures from you; try again in ${retryAfter} seconds.`,
        extensions: expect.objectContaining({ code: 'RATE_LIMITED', retryAfter }),
      }),
    ]);
    expect(await signaturesOn(petitionIds[3] as string)).toBe(before);
  });

  it('should limit one client address across users, and not its neighbours', async () => {
    const fromShared = [];
    for (let i = 0; i < 6; i++) {
      fromShared.push(await sign(agora, petitionIds[0] as string, await agora.mintToken(), '203.0.113.7'));
    }
    const fromNeighbour = await sign(agora, petitionIds[0] as string, await agora.mintToken(), '203.0.113.8');

    expect(fromShared.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(fromShared[5]?.body.errors?.[0]?.message).toMatch(
      /^Too many signatures from your network address; try again/,
    );
    expect(fromNeighbour.status).toBe(200);
    expect(fromNeighbour.body.data?.signPetition.__typename).toBe('Signature');
  });
});
