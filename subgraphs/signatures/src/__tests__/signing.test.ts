import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { TOPICS } from '@agora/adapters';
import { dataOf, errorCodes, eventually } from '@agora/testkit';
import { SIGN, someone, startSignatures, type SignaturesHarness } from './signaturesHarness.js';

interface SignResult {
  signPetition: { __typename: string; signatureCount?: number; signedAt?: string; code?: string; message?: string };
}

describe('signatures signing', () => {
  let signatures: SignaturesHarness;

  beforeAll(async () => {
    signatures = await startSignatures();
  });

  afterAll(async () => {
    await signatures.stop();
  });

  async function sign(petitionId: string, signer = someone()) {
    return dataOf(await signatures.subgraph.request<SignResult>(SIGN, { id: petitionId }, signer)).signPetition;
  }

  async function storedCount(petitionId: string) {
    const rows = await signatures.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM signatures WHERE petition_id = $1',
      [petitionId],
    );
    const counter = await signatures.database.db.queryOne<{ count: number }>(
      'SELECT count FROM signature_counts WHERE petition_id = $1',
      [petitionId],
    );
    return { rows: rows[0]?.n, counter: counter?.count ?? 0 };
  }

  it('should accept one signature per user and count exactly when users sign an open petition', async () => {
    const id = await signatures.launch();
    await eventually(async () => (await signatures.replicaStatus(id)) === 'OPEN');
    const ada = someone();

    const first = await sign(id, ada);
    const again = await sign(id, ada);
    const other = await sign(id);

    expect(first).toMatchObject({ __typename: 'Signature', signatureCount: 1 });
    expect(again).toEqual({
      __typename: 'AlreadySigned',
      code: 'ALREADY_SIGNED',
      message: 'You have already signed this petition.',
      signedAt: first.signedAt,
    });
    expect(other).toMatchObject({ __typename: 'Signature', signatureCount: 2 });
    expect(await storedCount(id)).toEqual({ rows: 2, counter: 2 });
  });

  it('should count each user once when 10 users each sign 5 times at the same moment', async () => {
    const id = await signatures.launch();
    await eventually(async () => (await signatures.replicaStatus(id)) === 'OPEN');
    const users = Array.from({ length: 10 }, someone);
    const results = await Promise.all(users.flatMap((user) => Array.from({ length: 5 }, () => sign(id, user))));
    expect(results.filter((result) => result.__typename === 'Signature')).toHaveLength(10);
    expect(results.filter((result) => result.__typename === 'AlreadySigned')).toHaveLength(40);
    expect(
      results
        .map((result) => result.signatureCount)
        .filter(Boolean)
        .sort((a, b) => a! - b!),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await storedCount(id)).toEqual({ rows: 10, counter: 10 });
  });

  it('should accept a signature for a petition launched a moment ago whose event has not arrived', async () => {
    const id = randomUUID();
    signatures.petitionsLog.append(id, 'OPEN');
    expect(await sign(id)).toMatchObject({ __typename: 'Signature', signatureCount: 1 });
  });

  it('should fill a gap from the log when an event arrives after a missed one', async () => {
    const missed = randomUUID();
    const later = randomUUID();
    signatures.petitionsLog.append(missed, 'OPEN');
    await signatures.pubsub.publish(TOPICS.petitionLifecycle, signatures.petitionsLog.append(later, 'OPEN'));
    await eventually(async () => (await signatures.replicaStatus(missed)) === 'OPEN');
    expect(await signatures.replicaStatus(later)).toBe('OPEN');
  });

  it('should answer PetitionNotOpen and write nothing when the petition was closed', async () => {
    const id = await signatures.launch();
    await signatures.close(id);
    await eventually(async () => (await signatures.replicaStatus(id)) === 'CLOSED');
    expect(await sign(id)).toEqual({
      __typename: 'PetitionNotOpen',
      code: 'PETITION_NOT_OPEN',
      message: 'This petition is closed and takes no more signatures.',
    });
    expect(await storedCount(id)).toEqual({ rows: 0, counter: 0 });
  });

  it('should refuse a signature that waited on a close being applied, once the close commits', async () => {
    const id = await signatures.launch();
    await eventually(async () => (await signatures.replicaStatus(id)) === 'OPEN');
    const closer = new pg.Client({ connectionString: signatures.database.url });
    await closer.connect();
    try {
      await closer.query('BEGIN');
      await closer.query('SELECT 1 FROM petition_replicas WHERE petition_id = $1 FOR UPDATE', [id]);
      const signing = sign(id);
      await eventually(async () => {
        const { rows } = await closer.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return rows[0].n > 0;
      });
      await closer.query(`UPDATE petition_replicas SET status = 'CLOSED' WHERE petition_id = $1`, [id]);
      await closer.query('COMMIT');
      expect(await signing).toMatchObject({ __typename: 'PetitionNotOpen' });
      expect(await storedCount(id)).toEqual({ rows: 0, counter: 0 });
    } finally {
      await closer.end();
    }
  });

  it.each([randomUUID(), 'not-an-id'])(
    'should answer PetitionNotFound when no petition %p was ever launched',
    async (id) => {
      expect(await sign(id)).toEqual({
        __typename: 'PetitionNotFound',
        code: 'PETITION_NOT_FOUND',
        message: `No petition has the id "${id}".`,
        petitionId: id,
      });
    },
  );

  it('should keep signing open petitions while the petitions service is down', async () => {
    const id = await signatures.launch();
    await eventually(async () => (await signatures.replicaStatus(id)) === 'OPEN');
    signatures.petitionsLog.down = true;
    try {
      expect(await sign(id)).toMatchObject({ __typename: 'Signature', signatureCount: 1 });
      expect(await sign(randomUUID())).toMatchObject({ __typename: 'PetitionNotFound' });
    } finally {
      signatures.petitionsLog.down = false;
    }
  });

  it('should answer UNAUTHENTICATED when an anonymous caller signs', async () => {
    const id = await signatures.launch();
    expect(errorCodes(await signatures.subgraph.request(SIGN, { id }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('signatures read side', () => {
  let signatures: SignaturesHarness;
  const petitionIds: string[] = [];
  const signer = someone();

  beforeAll(async () => {
    signatures = await startSignatures();
    for (let i = 0; i < 50; i++) petitionIds.push(await signatures.launch());
    // Every launch applied, and the ranking told of it.
    await eventually(async () => (await signatures.rankedSets.size('signatures:open-ranking')) === 50);
    for (const id of petitionIds.slice(0, 3)) await signatures.subgraph.request(SIGN, { id }, signer);
  });

  afterAll(async () => {
    await signatures.stop();
  });

  const PETITIONS = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Petition { id signatureCount viewerHasSigned } } }`;

  it('should tell counts (from Redis) and whether the caller signed (one SQL statement) for 50 petitions', async () => {
    signatures.database.resetQueryCount();
    const result = await signatures.subgraph.request<{
      _entities: { signatureCount: number; viewerHasSigned: boolean }[];
    }>(PETITIONS, { r: petitionIds.map((id) => ({ __typename: 'Petition', id })) }, signer);
    const entities = dataOf(result)._entities;
    expect(
      entities.slice(0, 4).map(({ signatureCount, viewerHasSigned }) => [signatureCount, viewerHasSigned]),
    ).toEqual([
      [1, true],
      [1, true],
      [1, true],
      [0, false],
    ]);
    expect(signatures.database.queryCount()).toBe(1);
  });

  it('should say nobody signed when the caller is anonymous', async () => {
    const result = await signatures.subgraph.request<{ _entities: { viewerHasSigned: boolean }[] }>(PETITIONS, {
      r: [{ __typename: 'Petition', id: petitionIds[0] }],
    });
    expect(dataOf(result)._entities[0]?.viewerHasSigned).toBe(false);
  });

  it("should list the caller's signed petitions, and refuse anyone else's", async () => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { signedPetitions { totalCount nodes { id } } } } }`;
    const r = [{ __typename: 'User', id: signer.userId }];
    const own = await signatures.subgraph.request<{
      _entities: { signedPetitions: { totalCount: number; nodes: { id: string }[] } }[];
    }>(query, { r }, signer);
    expect(dataOf(own)._entities[0]?.signedPetitions.totalCount).toBe(3);
    expect(new Set(dataOf(own)._entities[0]?.signedPetitions.nodes.map((node) => node.id))).toEqual(
      new Set(petitionIds.slice(0, 3)),
    );
    expect(errorCodes(await signatures.subgraph.request(query, { r }, someone()))).toEqual(['FORBIDDEN']);
  });
});

describe('signatures signing while the rate limits cannot be read', () => {
  let signatures: SignaturesHarness;

  beforeAll(async () => {
    signatures = await startSignatures({
      limits: { perUser: 1, perAddress: 1 },
      rateLimiter: {
        hit: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
        refund: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
      },
    });
  });

  afterAll(async () => {
    await signatures.stop();
  });

  it('should keep accepting signatures (limits fail open) so a burst is not lost to a cache outage', async () => {
    const id = await signatures.launch();
    await eventually(async () => (await signatures.replicaStatus(id)) === 'OPEN');
    const answers = [];
    for (let i = 0; i < 3; i++) {
      answers.push(
        dataOf(await signatures.subgraph.request<SignResult>(SIGN, { id }, someone(), '10.0.0.1')).signPetition,
      );
    }
    expect(answers.map((answer) => answer.signatureCount)).toEqual([1, 2, 3]);
  });
});

describe('signatures signing where no lifecycle events arrive (a function)', () => {
  let signatures: SignaturesHarness;

  beforeAll(async () => {
    signatures = await startSignatures({ replicaMaxAgeMs: 0 });
  });

  afterAll(async () => {
    await signatures.stop();
  });

  it('should read the log before signing, so a close no event announced still stops signatures', async () => {
    const id = await signatures.launch();
    await eventually(async () => (await signatures.replicaStatus(id)) === 'OPEN');
    const sign = async () =>
      dataOf(await signatures.subgraph.request<SignResult>(SIGN, { id }, someone())).signPetition.__typename;
    expect(await sign()).toBe('Signature');
    // Closed in the log, but the event never published: only reading the log can tell.
    signatures.petitionsLog.append(id, 'CLOSED');
    expect(await sign()).toBe('PetitionNotOpen');
  });
});

describe('signatures read side with COUNTS_SOURCE=postgres', () => {
  let signatures: SignaturesHarness;

  beforeAll(async () => {
    signatures = await startSignatures({ countsSource: 'postgres' });
  });

  afterAll(async () => {
    await signatures.stop();
  });

  it('should rank and count from PostgreSQL, whatever Redis holds', async () => {
    const [quiet, popular] = [await signatures.launch(), await signatures.launch()];
    await eventually(async () => (await signatures.replicaStatus(popular)) === 'OPEN');
    await signatures.subgraph.request(SIGN, { id: quiet }, someone());
    for (let i = 0; i < 3; i++) await signatures.subgraph.request(SIGN, { id: popular }, someone());
    // Redis says otherwise: reads must not look at it.
    await signatures.rankedSets.replace('signatures:counts', [{ member: quiet, score: 99 }]);
    await signatures.rankedSets.replace('signatures:open-ranking', [{ member: quiet, score: 99 }]);
    signatures.database.resetQueryCount();

    const result = await signatures.subgraph.request<{ mostSignedPetitions: { id: string; signatureCount: number }[] }>(
      '{ mostSignedPetitions(first: 10) { id signatureCount } }',
    );

    expect(dataOf(result).mostSignedPetitions).toEqual([
      { id: popular, signatureCount: 3 },
      { id: quiet, signatureCount: 1 },
    ]);
    // One statement ranks, one counts the page.
    expect(signatures.database.queryCount()).toBe(2);
  });
});
