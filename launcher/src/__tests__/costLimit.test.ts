// The cost limit fails closed: what the estimator cannot price is refused, over HTTP and
// graphql-ws, before anything is planned or fetched. Each shape here got through once.
import { createTestSubscriber, type TestSubscription } from '@agora/testkit';
import { openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

const TOO_EXPENSIVE =
  /^The operation is too expensive: its estimated cost is \d+(\.\d+)?(e\+\d+)?, the limit is 5000\./;

/** Lists nested in themselves: about 10^5 fields once run, refused on its own. */
const EXPENSIVE_SELECTION =
  'openPetitions(first: 100) { nodes { creator { petitions { creator { petitions { id } } } } } }';

/** A defaulted variable sent as an explicit null, in an argument that cannot be null, beside an expensive selection. */
const NULL_FOR_A_DEFAULT = {
  query: `query ($id: ID = "none") { petition(id: $id) { title } ${EXPENSIVE_SELECTION} }`,
  variables: { id: null },
};

/** A Boolean of @include sent as null for a variable whose default it has. */
const NULL_FOR_INCLUDE = {
  query: 'query ($all: Boolean = true) { openPetitions(first: 1) @include(if: $all) { totalCount } }',
  variables: { all: null },
};

/**
 * Fragments spread three times at every level, alternating petitions and their creators
 * (`levels` of them): a walk that re-reads every spread visits 3^levels of them, while
 * execution merges the spreads and runs each level once, on lists of up to 100.
 */
function spreadThriceAtEveryLevel(levels: number): { fragments: string; spread: string } {
  const fragments = Array.from({ length: levels }, (_, level) => {
    const next = `{ ...L${level + 1} ...L${level + 1} ...L${level + 1} }`;
    const last = level + 1 === levels;
    return level % 2 === 0
      ? `fragment L${level} on Petition { id title body signatureCount ${last ? '' : `creator ${next}`} }`
      : `fragment L${level} on User { id name ${last ? '' : `petitions ${next}`} }`;
  });
  return { fragments: fragments.join(' '), spread: '...L0 ...L0 ...L0' };
}

const SPREADS = spreadThriceAtEveryLevel(8);
const SPREAD_THRICE = {
  query: `{ openPetitions(first: 100) { nodes { ${SPREADS.spread} } } } ${SPREADS.fragments}`,
  variables: {},
};

/** The errors a graphql-ws operation first answered: refused before it ran, or as its first result. */
interface ErrorSeen {
  message: string;
  extensions?: Record<string, unknown> | undefined;
}

async function firstErrors(subscription: TestSubscription): Promise<readonly ErrorSeen[] | undefined> {
  const outcome = await Promise.race([
    subscription.ended.then((error) => ({ refused: error as ErrorSeen[] })),
    subscription.results.next().then((result) => ({ result })),
  ]);
  if ('refused' in outcome) return outcome.refused;
  expect(outcome.result.data ?? null).toBeNull();
  return outcome.result.errors;
}

describe('the cost limit, failing closed (production)', () => {
  let agora: TestAgora;
  let petitionId: string;

  beforeAll(async () => {
    agora = await startTestAgora({ production: true });
    const organiser = await registerUser(agora, 'Organiser');
    petitionId = await openPetition(agora, organiser.token, 'Priced');
  });

  afterAll(async () => {
    await agora.stop();
  });

  async function post(request: { query: string; variables: Record<string, unknown> }): Promise<Answer> {
    const response = await fetch(agora.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  }

  function expectRefused(answer: Answer, code: string, message: RegExp): void {
    expect(answer.status).toBe(400);
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe(code);
    expect(answer.body.errors?.[0]?.message).toMatch(message);
  }

  it.each([
    [
      'a defaulted variable sent as null beside an expensive selection',
      NULL_FOR_A_DEFAULT,
      'BAD_USER_INPUT',
      /^Argument "id" of non-null type "ID!" must not be null\.$/,
    ],
    [
      'a null for the Boolean of @include (once a 500 from the query planner)',
      NULL_FOR_INCLUDE,
      'BAD_USER_INPUT',
      /^Argument "if" of non-null type "Boolean!" must not be null\.$/,
    ],
    ['a fragment spread three times at every level', SPREAD_THRICE, 'GRAPHQL_VALIDATION_FAILED', TOO_EXPENSIVE],
  ])('should refuse %s over HTTP before running any of it', async (_shape, request, code, message) => {
    expectRefused(await post(request), code, message);
  });

  it('should refuse variables that do not fit the operation as bad input before estimating', async () => {
    const answer = await post({
      query: 'query ($n: Int) { openPetitions(first: $n) { totalCount } }',
      variables: { n: 'many' },
    });
    expectRefused(
      answer,
      'BAD_USER_INPUT',
      /^Variable "\$n" got invalid value "many"; Int cannot represent non-integer value: "many"$/,
    );
  });

  it('should still run what the same shapes look like when they are cheap', async () => {
    const cheap = await post({
      query:
        'query ($id: ID = "none", $all: Boolean = true) { petition(id: $id) { title } openPetitions(first: 1) @include(if: $all) { nodes { ...P ...P } } } fragment P on Petition { title }',
      variables: { id: petitionId },
    });
    expect(cheap).toEqual({
      status: 200,
      body: { data: { petition: { title: 'Priced' }, openPetitions: { nodes: [{ title: 'Priced' }] } } },
    });
  });

  it.each([
    ['a defaulted variable sent as null beside an expensive selection', NULL_FOR_A_DEFAULT, 'BAD_USER_INPUT'],
    ['a null for the Boolean of @include', NULL_FOR_INCLUDE, 'BAD_USER_INPUT'],
    ['a fragment spread three times at every level', SPREAD_THRICE, 'GRAPHQL_VALIDATION_FAILED'],
  ])('should refuse %s sent as a query over graphql-ws', async (_shape, request, code) => {
    const subscriber = createTestSubscriber(agora.gatewayUrl);
    try {
      const errors = await firstErrors(subscriber.subscribe(request.query, request.variables));
      expect(errors?.map((error) => error.extensions?.['code'])).toEqual([code]);
    } finally {
      await subscriber.dispose();
    }
  });

  it('should refuse a subscription whose petition selection spreads a fragment three times at every level', async () => {
    const subscriber = createTestSubscriber(agora.gatewayUrl);
    try {
      const errors = await firstErrors(
        subscriber.subscribe(
          `subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount petition { ${SPREADS.spread} } } } ${SPREADS.fragments}`,
          { id: petitionId },
        ),
      );
      expect(errors?.map((error) => error.message)).toEqual([expect.stringMatching(TOO_EXPENSIVE)]);
    } finally {
      await subscriber.dispose();
    }
  });
});
