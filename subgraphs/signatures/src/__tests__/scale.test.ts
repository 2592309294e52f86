import { randomUUID } from 'node:crypto';
import { dataOf, errorCodes, eventually } from '@agora/testkit';
import { SIGN, someone, startSignatures, type SignaturesHarness } from './signaturesHarness.js';

interface SignAnswer {
  signPetition: { __typename: string; signatureCount?: number };
}

describe('signatures at scale', () => {
  let signatures: SignaturesHarness;

  beforeAll(async () => {
    signatures = await startSignatures({ limits: { perUser: 5, perAddress: 1_000 } });
  });

  afterAll(async () => {
    await signatures.stop();
  });

  async function launched() {
    const id = await signatures.launch();
    await eventually(async () => (await signatures.rankedSets.scores('signatures:open-ranking', [id]))[0] !== null);
    return id;
  }

  const sign = (petitionId: string, signer = someone(), clientAddress?: string) =>
    signatures.subgraph.request<SignAnswer>(SIGN, { id: petitionId }, signer, clientAddress);

  it('should commit 200 simultaneous signatures in a few group commits, each with its own exact count', async () => {
    const id = await launched();
    signatures.database.resetQueryCount();

    const answers = await Promise.all(Array.from({ length: 200 }, () => sign(id)));

    const counts = answers
      .map((answer) => dataOf(answer).signPetition.signatureCount)
      .sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(counts).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // Committed one by one, each signature is a 5-statement transaction (1,000 in all); grouped,
    // a batch of any size is 5 or 6 statements.
    expect(signatures.database.queryCount()).toBeLessThan(300);
    await eventually(async () => (await signatures.rankedSets.scores('signatures:counts', [id]))[0] === 200);
  });

  it('should sign alone in one transaction of five statements, a repeat in five too', async () => {
    const id = await launched();
    const signer = someone();
    await sign(id); // the first signature creates the petition's count row
    signatures.database.resetQueryCount();

    expect(dataOf(await sign(id, signer)).signPetition.__typename).toBe('Signature');
    // BEGIN, the replica row FOR SHARE, the signature, its count, COMMIT.
    expect(signatures.database.queryCount()).toBe(5);

    signatures.database.resetQueryCount();
    expect(dataOf(await sign(id, signer)).signPetition.__typename).toBe('AlreadySigned');
    // BEGIN, the replica row, the insert that found the signature there, reading it, COMMIT.
    expect(signatures.database.queryCount()).toBe(5);
  });

  it('should rank open petitions by count, and drop a petition from the ranking once closed', async () => {
    const quiet = await launched();
    const popular = await launched();
    const closing = await launched();
    for (let i = 0; i < 3; i++) await sign(popular);
    await sign(quiet);
    for (let i = 0; i < 5; i++) await sign(closing);
    await signatures.close(closing);
    await eventually(
      async () => (await signatures.rankedSets.scores('signatures:open-ranking', [closing]))[0] === null,
    );

    const result = await signatures.subgraph.request<{ mostSignedPetitions: { id: string; signatureCount: number }[] }>(
      '{ mostSignedPetitions(first: 100) { id signatureCount } }',
    );

    const ranked = dataOf(result).mostSignedPetitions.filter((petition) =>
      [quiet, popular, closing].includes(petition.id),
    );
    expect(ranked).toEqual([
      { id: popular, signatureCount: 3 },
      { id: quiet, signatureCount: 1 },
    ]);
  });

  it('should rebuild counts and ranking exactly from PostgreSQL after Redis lost them', async () => {
    const id = await launched();
    for (let i = 0; i < 7; i++) await sign(id);
    await signatures.rankedSets.replace('signatures:counts', []);
    await signatures.rankedSets.replace('signatures:open-ranking', []);

    // Counts read PostgreSQL meanwhile; ranking rebuilds on first use.
    const count = await signatures.subgraph.request<{ _entities: { signatureCount: number }[] }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Petition { signatureCount } } }`,
      { r: [{ __typename: 'Petition', id }] },
    );
    const ranking = await signatures.subgraph.request<{ mostSignedPetitions: { id: string }[] }>(
      '{ mostSignedPetitions(first: 100) { id } }',
    );

    expect(dataOf(count)._entities).toEqual([{ signatureCount: 7 }]);
    expect(dataOf(ranking).mostSignedPetitions.map((petition) => petition.id)).toContain(id);
    expect(await signatures.rankedSets.scores('signatures:open-ranking', [id])).toEqual([7]);
  });

  it('should refuse a sixth signature attempt in a minute from one user with RATE_LIMITED and a wait', async () => {
    const signer = someone();
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await launched());
    const answers = [];
    for (const id of ids) answers.push(await sign(id, signer));

    expect(answers.slice(0, 5).map((answer) => dataOf(answer).signPetition.__typename)).toEqual(
      Array(5).fill('Signature'),
    );
    const refused = answers[5];
    expect(errorCodes(refused as never)).toEqual(['RATE_LIMITED']);
    expect(refused?.errors?.[0]?.message).toMatch(/^Too many signatures from you; try again in \d+ seconds\.$/);
    expect(refused?.errors?.[0]?.extensions?.['retryAfter']).toBeGreaterThan(0);
    const stored = await signatures.database.db.queryOne<{ n: number }>(
      'SELECT count(*)::int AS n FROM signatures WHERE user_id = $1',
      [signer.userId],
    );
    expect(stored?.n).toBe(5);
  });

  it('should refuse signatures past the limit for one client address, whoever signs', async () => {
    const limited = await startSignatures({ limits: { perUser: 100, perAddress: 3 } });
    try {
      const id = await limited.launch();
      await eventually(async () => (await limited.replicaStatus(id)) === 'OPEN');
      const answers = [];
      for (let i = 0; i < 4; i++) {
        answers.push(await limited.subgraph.request<SignAnswer>(SIGN, { id }, someone(), '198.51.100.7'));
      }
      const other = await limited.subgraph.request<SignAnswer>(SIGN, { id }, someone(), '198.51.100.8');
      expect(
        answers.map((answer) => answer.data?.signPetition?.__typename ?? answer.errors?.[0]?.extensions?.['code']),
      ).toEqual(['Signature', 'Signature', 'Signature', 'RATE_LIMITED']);
      expect(answers[3]?.errors?.[0]?.message).toMatch(/^Too many signatures from your network address/);
      expect(dataOf(other).signPetition.__typename).toBe('Signature');
    } finally {
      await limited.stop();
    }
  });

  it('should answer PetitionNotFound for an unknown id without holding up the batch', async () => {
    const id = await launched();
    const [good, unknown] = await Promise.all([sign(id), sign(randomUUID())]);
    expect([dataOf(good).signPetition.__typename, dataOf(unknown).signPetition.__typename]).toEqual([
      'Signature',
      'PetitionNotFound',
    ]);
  });
});
