import { dataOf, errorCodes } from '@agora/testkit';
import { petitionActions, someone, startPetitions, type PetitionsHarness } from './petitionsHarness.js';

describe('petitions lifecycle', () => {
  let petitions: PetitionsHarness;
  let act: ReturnType<typeof petitionActions>;

  beforeAll(async () => {
    petitions = await startPetitions();
    act = petitionActions(petitions);
  });

  afterAll(async () => {
    await petitions.stop();
  });

  async function rowOf(id: string) {
    return petitions.database.db.queryOne<{ title: string; status: string }>(
      'SELECT title, status FROM petitions WHERE id = $1',
      [id],
    );
  }

  async function countPetitions() {
    return (await petitions.database.db.queryOne<{ n: number }>('SELECT count(*)::int AS n FROM petitions'))?.n;
  }

  it('should draft a petition with trimmed text when the input is valid', async () => {
    const creator = someone();
    const result = await act.create(creator, '  Plant more trees ', ' Everywhere. ');
    expect(result).toMatchObject({ __typename: 'Petition', status: 'CREATED', openedAt: null, closedAt: null });
    expect(await rowOf(result.id as string)).toEqual({ title: 'Plant more trees', status: 'CREATED' });
  });

  it.each([
    ['an empty title', '   ', 'Body', 'title', 'Title must not be empty.'],
    ['an oversized title', 't'.repeat(151), 'Body', 'title', 'Title must be at most 150 characters long (got 151).'],
    ['an empty body', 'Title', '', 'body', 'Body must not be empty.'],
    ['a NUL in the title', 'Ti\u0000tle', 'Body', 'title', 'Title must not contain NUL characters.'],
    [
      'an oversized body',
      'Title',
      'b'.repeat(10_001),
      'body',
      'Body must be at most 10000 characters long (got 10001).',
    ],
  ])('should answer InvalidInput and write nothing when given %s', async (_case, title, body, field, message) => {
    const before = await countPetitions();
    expect(await act.create(someone(), title, body)).toEqual({
      __typename: 'InvalidInput',
      code: 'INVALID_INPUT',
      field,
      message,
    });
    expect(await countPetitions()).toBe(before);
  });

  it('should show a draft to its creator only', async () => {
    const creator = someone();
    const { id } = await act.create(creator);
    const query = `query ($id: ID!) { petition(id: $id) { id status } }`;
    expect(dataOf(await petitions.subgraph.request(query, { id }, creator))).toEqual({
      petition: { id, status: 'CREATED' },
    });
    expect(dataOf(await petitions.subgraph.request(query, { id }, someone()))).toEqual({ petition: null });
    expect(dataOf(await petitions.subgraph.request(query, { id }))).toEqual({ petition: null });
  });

  it('should let the creator edit a draft, and hide the draft from anyone else trying', async () => {
    const creator = someone();
    const { id } = await act.create(creator);
    expect(await act.update(creator, id as string, 'Plant even more trees')).toMatchObject({
      __typename: 'Petition',
      id,
    });
    expect(await act.update(someone(), id as string, 'Hijacked')).toMatchObject({
      __typename: 'PetitionNotFound',
      code: 'PETITION_NOT_FOUND',
    });
    expect(await act.update(creator, id as string, '')).toMatchObject({ __typename: 'InvalidInput', field: 'title' });
    expect(await rowOf(id as string)).toEqual({ title: 'Plant even more trees', status: 'CREATED' });
  });

  it('should open, then close, a petition with numbered events when its creator asks', async () => {
    const creator = someone();
    const { id } = await act.create(creator);

    const launched = await act.launch(creator, id as string);
    const opened = (await petitions.events.next()) as { sequence: number };
    const closed = await act.close(creator, id as string);
    const closing = (await petitions.events.next()) as { sequence: number };

    expect(launched).toMatchObject({
      __typename: 'Petition',
      status: 'OPEN',
      openedAt: expect.any(String),
      closedAt: null,
    });
    expect(closed).toMatchObject({ __typename: 'Petition', status: 'CLOSED', closedAt: expect.any(String) });
    expect(opened).toEqual({ sequence: expect.any(Number), petitionId: id, status: 'OPEN' });
    expect(closing).toEqual({ sequence: opened.sequence + 1, petitionId: id, status: 'CLOSED' });
    const log = dataOf(
      await petitions.subgraph.request<{ petitionEvents: unknown[] }>(
        `query ($after: Int!) { petitionEvents(after: $after, first: 10) { sequence petitionId status } }`,
        {
          after: opened.sequence - 1,
        },
      ),
    );
    expect(log.petitionEvents).toEqual([opened, closing]);
  });

  it.each([
    ['update an open petition', 'launch', 'update', 'OPEN', 'Only a draft can be edited; this petition is OPEN.'],
    ['launch an open petition', 'launch', 'launch', 'OPEN', 'Only a draft can be launched; this petition is OPEN.'],
    ['close a draft', 'none', 'close', 'CREATED', 'Only an open petition can be closed; this petition is CREATED.'],
    ['launch a closed petition', 'close', 'launch', 'CLOSED', 'Only a draft can be launched; this petition is CLOSED.'],
  ])(
    'should answer InvalidTransition and change nothing when asked to %s',
    async (_case, setUp, attempt, status, message) => {
      const creator = someone();
      const { id } = await act.create(creator);
      if (setUp !== 'none') await act.launch(creator, id as string);
      if (setUp === 'close') await act.close(creator, id as string);

      const result =
        attempt === 'update'
          ? await act.update(creator, id as string, 'New title')
          : attempt === 'launch'
            ? await act.launch(creator, id as string)
            : await act.close(creator, id as string);

      expect(result).toEqual({ __typename: 'InvalidTransition', code: 'INVALID_TRANSITION', message, status });
      expect((await rowOf(id as string))?.status).toBe(status);
    },
  );

  it('should answer NotPetitionCreator when someone else closes an open petition', async () => {
    const creator = someone();
    const { id } = await act.create(creator);
    await act.launch(creator, id as string);
    expect(await act.close(someone(), id as string)).toEqual({
      __typename: 'NotPetitionCreator',
      code: 'NOT_PETITION_CREATOR',
      message: 'Only the creator of this petition may change it.',
    });
    expect((await rowOf(id as string))?.status).toBe('OPEN');
  });

  it('should launch exactly once and log one event when ten launches race', async () => {
    const creator = someone();
    const { id } = await act.create(creator);
    const results = await Promise.all(Array.from({ length: 10 }, () => act.launch(creator, id as string)));
    expect(results.filter((result) => result.__typename === 'Petition')).toHaveLength(1);
    expect(results.filter((result) => result.__typename === 'InvalidTransition')).toHaveLength(9);
    const events = await petitions.database.db.query('SELECT status FROM petition_events WHERE petition_id = $1', [id]);
    expect(events).toEqual([{ status: 'OPEN' }]);
  });

  it.each(['00000000-0000-4000-8000-000000000000', 'nope'])(
    'should answer PetitionNotFound when launching %p',
    async (id) => {
      expect(await act.launch(someone(), id)).toMatchObject({
        __typename: 'PetitionNotFound',
        message: `No petition has the id "${id}".`,
      });
    },
  );

  it('should answer UNAUTHENTICATED when an anonymous caller drafts', async () => {
    const result = await petitions.subgraph.request(
      `mutation { createPetition(input: { title: "t", body: "b" }) { __typename } }`,
    );
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it("should list a user's drafts to themself only", async () => {
    const creator = someone();
    const draft = await act.create(creator, 'Draft');
    const open = await act.create(creator, 'Open');
    await act.launch(creator, open.id as string);
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { petitions { title } } } }`;
    const r = [{ __typename: 'User', id: creator.userId }];
    expect(dataOf(await petitions.subgraph.request(query, { r }, creator))).toEqual({
      _entities: [{ petitions: [{ title: 'Open' }, { title: 'Draft' }] }],
    });
    expect(dataOf(await petitions.subgraph.request(query, { r }, someone()))).toEqual({
      _entities: [{ petitions: [{ title: 'Open' }] }],
    });
    expect(draft.__typename).toBe('Petition');
  });

  it("should list at most a user's newest 100 petitions, drafts not crowding out what others may see", async () => {
    const creator = someone();
    const open = await act.create(creator, 'The open one');
    await act.launch(creator, open.id as string);
    for (let i = 0; i < 101; i++) await act.create(creator, `Draft ${i}`);
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { petitions { title } } } }`;
    const r = [{ __typename: 'User', id: creator.userId }];
    const own = dataOf(
      await petitions.subgraph.request<{ _entities: [{ petitions: { title: string }[] }] }>(query, { r }, creator),
    );
    expect(own._entities[0].petitions).toHaveLength(100);
    expect(own._entities[0].petitions[0]?.title).toBe('Draft 100');
    expect(dataOf(await petitions.subgraph.request(query, { r }, someone()))).toEqual({
      _entities: [{ petitions: [{ title: 'The open one' }] }],
    });
  });
});
