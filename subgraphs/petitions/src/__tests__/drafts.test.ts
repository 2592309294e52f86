import { errorCodes } from '@agora/testkit';
import { petitionActions, someone, startPetitions, type PetitionsHarness } from './petitionsHarness.js';

describe('petitions draft limit', () => {
  let petitions: PetitionsHarness;

  beforeAll(async () => {
    petitions = await startPetitions({ draftsPerHour: 2 });
  });

  afterAll(async () => {
    await petitions.stop();
  });

  async function petitionsOf(creatorId: string): Promise<number> {
    const [row] = await petitions.database.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM petitions WHERE creator_id = $1',
      [creatorId],
    );
    return row?.n ?? 0;
  }

  it("should refuse a user's third petition within the hour with RATE_LIMITED and write nothing", async () => {
    const writer = someone();
    const act = petitionActions(petitions);
    expect((await act.create(writer)).__typename).toBe('Petition');
    expect((await act.create(writer)).__typename).toBe('Petition');
    const third = await petitions.subgraph.request(
      `mutation { createPetition(input: { title: "One too many", body: "b" }) { __typename } }`,
      {},
      writer,
    );
    expect(errorCodes(third)).toEqual(['RATE_LIMITED']);
    expect(third.errors?.[0]?.message).toMatch(
      /^You have written many petitions this hour; try again in \d+ seconds\.$/,
    );
    expect(await petitionsOf(writer.userId)).toBe(2);
    // Someone else is not affected.
    expect((await act.create(someone())).__typename).toBe('Petition');
  });
});
