// The authorization audit: no user can read or change another user's cart, orders, account,
// invoices, payments, drafts or signatures, by any route the graph offers, nor by the
// `_entities` representations the gateway itself sends to a subgraph.
import { randomUUID } from 'node:crypto';
import type { SubgraphName } from '@agora/schema';
import { INTERNAL_HEADERS, identityHeaders } from '@agora/service';
import {
  TEST_GATEWAY_SECRET,
  createTestSubscriber,
  dataOf,
  errorCodes,
  postGraphQL,
  type GraphQLResult,
} from '@agora/testkit';
import { openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';
import { addProduct, checkout } from './checkoutHelpers.js';
import { openAllDatabases, rowsOwnedBy, type AllDatabases } from './ownedRows.js';

type Person = Awaited<ReturnType<typeof registerUser>>;

describe('authorization', () => {
  let agora: TestAgora;
  let dbs: AllDatabases;
  let alice: Person;
  let bob: Person;
  let mallory: Person;
  let mug: string;
  let pen: string;
  /** Alice's paid order, its invoice and the invoice's number. */
  let aliceOrder: string;
  let aliceInvoice: string;
  let aliceInvoiceNumber: string;
  let bobOrder: string;
  let aliceDraft: string;
  let aliceOpen: string;
  let bobDraft: string;
  let bobOpen: string;

  const ALICE_DRAFT_TITLE = 'Alice secret draft title';
  const ALICE_DRAFT_BODY = 'Alice secret draft body';

  async function addItem(person: Person, productId: string, quantity: number) {
    const added = await agora.request<{ addItem: { __typename: string } }>(
      `mutation ($p: ID!, $q: Int!) { addItem(productId: $p, quantity: $q) { __typename } }`,
      { p: productId, q: quantity },
      person.token,
    );
    if (dataOf(added).addItem.__typename !== 'Cart') throw new Error(`addItem: ${JSON.stringify(added)}`);
  }

  async function deposit(person: Person, amount: number) {
    dataOf(
      await agora.request(`mutation ($a: Int!) { deposit(amount: $a) { __typename } }`, { a: amount }, person.token),
    );
  }

  async function paidOrder(person: Person, key: string) {
    const answer = dataOf(await checkout(agora, person.token, key)).checkout;
    if (answer.status !== 'PAID' || answer.id === undefined) throw new Error(`checkout: ${JSON.stringify(answer)}`);
    return answer.id;
  }

  async function draft(person: Person, title: string, body: string) {
    const created = await agora.request<{ createPetition: { id: string } }>(
      `mutation ($input: PetitionInput!) { createPetition(input: $input) { ... on Petition { id } } }`,
      { input: { title, body } },
      person.token,
    );
    return dataOf(created).createPetition.id;
  }

  async function sign(person: Person, petitionId: string) {
    const signed = await agora.request<{ signPetition: { __typename: string } }>(
      `mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }`,
      { id: petitionId },
      person.token,
    );
    if (dataOf(signed).signPetition.__typename !== 'Signature') throw new Error(`sign: ${JSON.stringify(signed)}`);
  }

  /** Strings that appear in a response only if some of Alice's private data is in it. */
  const secretsOfAlice = () => [
    alice.email,
    aliceDraft,
    ALICE_DRAFT_TITLE,
    ALICE_DRAFT_BODY,
    aliceOrder,
    aliceInvoice,
    aliceInvoiceNumber,
  ];

  /**
   * Nothing that identifies Alice's private data appears anywhere in the response, except
   * the ids in `echoed`, which the caller sent and may be named back ("No petition has the id …").
   */
  function expectNothingOfAlice(result: unknown, echoed: string[] = []) {
    const text = JSON.stringify(result);
    const found = secretsOfAlice().filter((secret) => !echoed.includes(secret) && text.includes(secret));
    expect(found).toEqual([]);
  }

  /** The answer to the same operation for an id nobody has: what "it does not exist" looks like. */
  async function answerForUnknownId(query: string, id: string, token: string) {
    const unknown = randomUUID();
    const result = await agora.request(query, { id: unknown }, token);
    return JSON.parse(JSON.stringify(result).replaceAll(unknown, id)) as unknown;
  }

  /** Sends an operation straight to a subgraph, as the gateway would for `as` (anonymous when null). */
  function toSubgraph(
    subgraph: SubgraphName,
    query: string,
    variables: Record<string, unknown>,
    as: Person | null,
  ): Promise<GraphQLResult> {
    return postGraphQL(agora.subgraphUrls[subgraph], query, {
      variables,
      headers: {
        [INTERNAL_HEADERS.gatewaySecret]: TEST_GATEWAY_SECRET,
        ...identityHeaders(as === null ? null : { userId: as.id, sessionId: randomUUID() }),
      },
    });
  }

  function entities(subgraph: SubgraphName, selection: string, representations: object[], as: Person | null) {
    return toSubgraph(
      subgraph,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`,
      { r: representations },
      as,
    );
  }

  beforeAll(async () => {
    agora = await startTestAgora();
    dbs = openAllDatabases(agora);
    [mug, pen] = await Promise.all([addProduct(dbs, 50, 1_250, 'Mug'), addProduct(dbs, 50, 3_400, 'Pen')]);
    [alice, bob, mallory] = await Promise.all([
      registerUser(agora, 'Alice'),
      registerUser(agora, 'Bob'),
      registerUser(agora, 'Mallory'),
    ]);

    await deposit(alice, 10_000);
    await addItem(alice, mug, 2);
    aliceOrder = await paidOrder(alice, 'alice-key');
    await addItem(alice, pen, 1);
    const invoice = await dbs.financial.queryOne<{ id: string; number: number }>(
      'SELECT id, number::int AS number FROM invoices WHERE order_id = $1',
      [aliceOrder],
    );
    aliceInvoice = invoice?.id as string;
    aliceInvoiceNumber = `INV-${String(invoice?.number).padStart(6, '0')}`;

    await deposit(bob, 10_000);
    await addItem(bob, mug, 1);
    bobOrder = await paidOrder(bob, 'bob-key');
    await addItem(bob, mug, 3);

    aliceDraft = await draft(alice, ALICE_DRAFT_TITLE, ALICE_DRAFT_BODY);
    aliceOpen = await openPetition(agora, alice.token, 'Alice open petition');
    bobDraft = await draft(bob, 'Bob draft', 'Bob draft body');
    bobOpen = await openPetition(agora, bob.token, 'Bob open petition');
    await sign(bob, aliceOpen);
    await sign(alice, bobOpen);
  }, 20_000);

  afterAll(async () => {
    await dbs.close();
    await agora.stop();
  });

  /** Alice's owner-only fields on User, each in the subgraph that owns it. */
  const PRIVATE_USER_FIELDS = [
    ['cart', 'cart { itemCount items { quantity } }'],
    ['orders', 'orders(first: 5) { totalCount nodes { id invoice { number } payment { status } } }'],
    ['account', 'account { id balance { amount } entries(first: 5) { kind amount { amount } } }'],
    ['invoices', 'invoices(first: 5) { totalCount nodes { id number order { id } } }'],
    ['signedPetitions', 'signedPetitions(first: 5) { totalCount nodes { id } }'],
  ] as const;

  /** Every route by which Bob can reach Alice as a User through the public graph. */
  const ROUTES_TO_ALICE = [
    ['petition(id).creator', (creator: string) => `query ($id: ID!) { petition(id: $id) { creator { ${creator} } } }`],
    ['openPetitions.creator', (creator: string) => `{ openPetitions(first: 5) { nodes { creator { ${creator} } } } }`],
    [
      'mostSignedPetitions.creator',
      (creator: string) => `{ mostSignedPetitions(first: 5) { creator { ${creator} } } }`,
    ],
    [
      'me.signedPetitions.creator',
      (creator: string) => `{ me { signedPetitions(first: 5) { nodes { creator { ${creator} } } } } }`,
    ],
  ] as const;

  describe('through the gateway, as another user', () => {
    it('should show Alice all of it through the same route (the control for every refusal below)', async () => {
      const result = await agora.request(
        `query ($id: ID!) { petition(id: $id) { creator {
          email
          cart { itemCount }
          orders(first: 5) { nodes { id invoice { id number } payment { status } } }
          account { balance { amount } }
          invoices(first: 5) { totalCount }
          signedPetitions(first: 5) { nodes { id } }
          petitions { id title body }
        } } }`,
        { id: aliceOpen },
        alice.token,
      );

      expect(result.errors).toBeUndefined();
      const text = JSON.stringify(result);
      expect(secretsOfAlice().filter((secret) => !text.includes(secret))).toEqual([]);
    });

    describe.each(ROUTES_TO_ALICE)('reaching Alice through %s', (_route, queryFor) => {
      it.each(PRIVATE_USER_FIELDS)('should refuse her %s with FORBIDDEN', async (field, selection) => {
        const result = await agora.request(queryFor(`name ${selection}`), { id: aliceOpen }, bob.token);

        expect(new Set(errorCodes(result))).toEqual(new Set(['FORBIDDEN']));
        expect(result.errors?.some((error) => error.path?.at(-1) === field)).toBe(true);
        expectNothingOfAlice(result);
      });

      it('should show her name and launched petitions but not her email or her draft', async () => {
        const result = await agora.request(
          queryFor('id name email petitions { id status }'),
          { id: aliceOpen },
          bob.token,
        );

        expect(result.errors).toBeUndefined();
        const creators = JSON.stringify(result.data);
        expect(creators).toContain(
          JSON.stringify({ id: alice.id, name: 'Alice', email: null, petitions: [{ id: aliceOpen, status: 'OPEN' }] }),
        );
        expectNothingOfAlice(result);
      });
    });

    it("should answer Bob's parts and refuse Alice's when one operation mixes their ids", async () => {
      const result = await agora.request(
        `query ($bobDraft: ID!, $aliceDraft: ID!, $aliceOpen: ID!) {
          a: petition(id: $bobDraft) { id status creator { id } }
          b: petition(id: $aliceDraft) { id title body status }
          mine: me {
            email
            cart { itemCount }
            orders { totalCount nodes { id status invoice { number order { id } } payment { status } } }
            account { balance { amount } }
            invoices { totalCount }
            signedPetitions { nodes { id } }
            petitions { id }
          }
          hers: petition(id: $aliceOpen) { id viewerHasSigned creator { name email petitions { id } } }
          hersCart: petition(id: $aliceOpen) { creator { cart { itemCount } } }
          hersOrders: petition(id: $aliceOpen) { creator { orders { totalCount } } }
          hersAccount: petition(id: $aliceOpen) { creator { account { balance { amount } } } }
          hersInvoices: petition(id: $aliceOpen) { creator { invoices { totalCount } } }
          hersSignatures: petition(id: $aliceOpen) { creator { signedPetitions { totalCount } } }
        }`,
        { bobDraft, aliceDraft, aliceOpen },
        bob.token,
      );

      expect(result.data).toEqual({
        a: { id: bobDraft, status: 'CREATED', creator: { id: bob.id } },
        b: null,
        mine: {
          email: bob.email,
          cart: { itemCount: 3 },
          orders: {
            totalCount: 1,
            nodes: [
              {
                id: bobOrder,
                status: 'PAID',
                invoice: { number: expect.stringMatching(/^INV-\d{6}$/), order: { id: bobOrder } },
                payment: { status: 'CAPTURED' },
              },
            ],
          },
          account: { balance: { amount: 10_000 - 1_250 } },
          invoices: { totalCount: 1 },
          signedPetitions: { nodes: [{ id: aliceOpen }] },
          petitions: expect.arrayContaining([{ id: bobDraft }, { id: bobOpen }]),
        },
        hers: {
          id: aliceOpen,
          viewerHasSigned: true,
          creator: { name: 'Alice', email: null, petitions: [{ id: aliceOpen }] },
        },
        hersCart: null,
        hersOrders: null,
        hersAccount: null,
        hersInvoices: null,
        hersSignatures: null,
      });
      expect(result.errors?.map((error) => [error.path, error.extensions?.['code']])).toEqual(
        expect.arrayContaining([
          [['hersCart', 'creator', 'cart'], 'FORBIDDEN'],
          [['hersOrders', 'creator', 'orders'], 'FORBIDDEN'],
          [['hersAccount', 'creator', 'account'], 'FORBIDDEN'],
          [['hersInvoices', 'creator', 'invoices'], 'FORBIDDEN'],
          [['hersSignatures', 'creator', 'signedPetitions'], 'FORBIDDEN'],
        ]),
      );
      expect(result.errors).toHaveLength(5);
      expectNothingOfAlice(result);
    });

    it('should say whether the caller signed, never whether someone else did', async () => {
      const query = `query ($id: ID!) { petition(id: $id) { signatureCount viewerHasSigned } }`;
      // Alice signed Bob's petition; Bob did not.
      const asBob = await agora.request(query, { id: bobOpen }, bob.token);
      const asAlice = await agora.request(query, { id: bobOpen }, alice.token);
      const asMallory = await agora.request(query, { id: bobOpen }, mallory.token);

      expect([dataOf(asBob), dataOf(asAlice), dataOf(asMallory)]).toEqual([
        { petition: { signatureCount: 1, viewerHasSigned: false } },
        { petition: { signatureCount: 1, viewerHasSigned: true } },
        { petition: { signatureCount: 1, viewerHasSigned: false } },
      ]);
    });

    it("should not let Bob sign Alice's draft, and answer as for an unknown petition", async () => {
      const before = await rowsOwnedBy(dbs, alice.id);
      const query = `mutation ($id: ID!) { signPetition(petitionId: $id) { __typename ... on ErrorResult { code message } } }`;
      const result = await agora.request(query, { id: aliceDraft }, bob.token);

      expect(dataOf(result)['signPetition']).toMatchObject({ __typename: 'PetitionNotFound' });
      expect(result).toEqual(await answerForUnknownId(query, aliceDraft, bob.token));
      expect(await rowsOwnedBy(dbs, alice.id)).toEqual(before);
      expectNothingOfAlice(result, [aliceDraft]);
    });

    it.each([
      ['updatePetition', 'her draft', 'PetitionNotFound'],
      ['launchPetition', 'her draft', 'PetitionNotFound'],
      ['closePetition', 'her draft', 'PetitionNotFound'],
      ['updatePetition', 'her open petition', 'NotPetitionCreator'],
      ['launchPetition', 'her open petition', 'NotPetitionCreator'],
      ['closePetition', 'her open petition', 'NotPetitionCreator'],
    ])("should answer Bob's %s on %s with %s and change no row", async (mutation, which, typename) => {
      const id = which === 'her draft' ? aliceDraft : aliceOpen;
      const input = mutation === 'updatePetition' ? ', input: { title: "Hijacked", body: "Hijacked" }' : '';
      const before = await rowsOwnedBy(dbs, alice.id);

      const query = `mutation ($id: ID!) { ${mutation}(id: $id${input}) { __typename ... on ErrorResult { code message } ... on Petition { title } } }`;
      const result = await agora.request(query, { id }, bob.token);

      expect(result.errors).toBeUndefined();
      expect((dataOf(result)[mutation] as { __typename: string }).__typename).toBe(typename);
      if (typename === 'PetitionNotFound') expect(result).toEqual(await answerForUnknownId(query, id, bob.token));
      expect(await rowsOwnedBy(dbs, alice.id)).toEqual(before);
      expectNothingOfAlice(result, [id]);
    });

    it("should change Bob's draft and refuse Alice's when one mutation mixes their ids", async () => {
      const before = await rowsOwnedBy(dbs, alice.id);
      const result = await agora.request(
        `mutation ($bobDraft: ID!, $aliceDraft: ID!) {
          mine: updatePetition(id: $bobDraft, input: { title: "Bob edited", body: "b" }) { __typename ... on Petition { title } }
          hers: updatePetition(id: $aliceDraft, input: { title: "Hijacked", body: "b" }) { __typename ... on Petition { title } }
        }`,
        { bobDraft, aliceDraft },
        bob.token,
      );

      expect(dataOf(result)).toEqual({
        mine: { __typename: 'Petition', title: 'Bob edited' },
        hers: { __typename: 'PetitionNotFound' },
      });
      expect(await rowsOwnedBy(dbs, alice.id)).toEqual(before);
    });

    it.each([
      ['its id', () => aliceOrder],
      ['its id in upper case', () => aliceOrder.toUpperCase()],
    ])("should answer NotFound when Bob cancels Alice's order by %s, and refund nothing", async (_case, orderId) => {
      const before = await rowsOwnedBy(dbs, alice.id);
      const query = `mutation ($id: ID!) { cancelOrder(orderId: $id) { __typename ... on ErrorResult { code message } ... on Order { id status } } }`;
      const result = await agora.request(query, { id: orderId() }, bob.token);

      expect(dataOf(result)['cancelOrder']).toMatchObject({ __typename: 'NotFound', code: 'NOT_FOUND' });
      expect(result).toEqual(await answerForUnknownId(query, orderId(), bob.token));
      expect(await rowsOwnedBy(dbs, alice.id)).toEqual(before);
    });

    it("should remove a product from Bob's cart only when Alice's cart holds it too", async () => {
      await addItem(bob, pen, 1);
      const before = await rowsOwnedBy(dbs, alice.id);

      const result = await agora.request(
        `mutation ($p: ID!) { removeItem(productId: $p) { itemCount items { product { id } quantity } } }`,
        { p: pen },
        bob.token,
      );

      expect(dataOf(result)).toEqual({ removeItem: { itemCount: 3, items: [{ product: { id: mug }, quantity: 3 }] } });
      expect(before.cart).toEqual([expect.objectContaining({ product_id: pen, quantity: 1 })]);
      expect(await rowsOwnedBy(dbs, alice.id)).toEqual(before);
    });

    it("should never answer Alice's order to someone checking out with her idempotency key", async () => {
      const before = await rowsOwnedBy(dbs, alice.id);
      const result = await checkout(agora, mallory.token, 'alice-key');

      expect(dataOf(result).checkout).toMatchObject({ __typename: 'CartEmpty' });
      expect(await rowsOwnedBy(dbs, alice.id)).toEqual(before);
      expectNothingOfAlice(result);
    });
  });

  describe('internal operations through the gateway', () => {
    it.each([
      [
        '_entities',
        'query ($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { __typename } }',
      ],
      ['sessionActive', 'query ($id: ID!) { sessionActive(userId: $id, sessionId: $id) }'],
      ['petitionEvents', '{ petitionEvents(after: 0, first: 10) { petitionId status } }'],
      [
        'chargeOrder',
        'mutation ($id: ID!) { chargeOrder(orderId: $id, userId: $id, amount: 1, currency: "EUR") { __typename } }',
      ],
      ['settleOrderCharge', 'mutation ($id: ID!) { settleOrderCharge(orderId: $id) { orderId } }'],
      ['refundOrder', 'mutation ($id: ID!) { refundOrder(orderId: $id) { status } }'],
      ['releaseStock', 'mutation ($id: ID!) { releaseStock(orderId: $id) { orderId } }'],
      ['restockOrder', 'mutation ($id: ID!) { restockOrder(orderId: $id) { orderId } }'],
    ])('should not offer %s to a client, and change no row', async (operation, query) => {
      const before = await rowsOwnedBy(dbs, alice.id);
      const id = operation === '_entities' || operation === 'sessionActive' ? alice.id : aliceOrder;

      const result = await agora.request(query, query.includes('$id') ? { id } : {}, bob.token);

      expect(errorCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(await rowsOwnedBy(dbs, alice.id)).toEqual(before);
    });
  });

  describe('through a subscription', () => {
    it("should answer Bob's watch of Alice's draft as it answers a petition that does not exist", async () => {
      const watcher = createTestSubscriber(agora.gatewayUrl, { authorization: `Bearer ${bob.token}` });
      try {
        const query = `subscription ($id: ID!) { signatureCountChanged(petitionId: $id) {
          signatureCount petition { title body creator { email } }
        } }`;
        const unknown = randomUUID();
        const draftWatch = watcher.subscribe(query, { id: aliceDraft });
        const unknownWatch = watcher.subscribe(query, { id: unknown });

        const [onDraft, onUnknown] = [await draftWatch.results.next(), await unknownWatch.results.next()];
        expect(JSON.parse(JSON.stringify(onDraft).replaceAll(aliceDraft, unknown))).toEqual(
          JSON.parse(JSON.stringify(onUnknown)),
        );
        expect(onDraft).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
        expectNothingOfAlice(onDraft, [aliceDraft]);
      } finally {
        await watcher.dispose();
      }
    });

    it("should push each watcher only what they may see, and refuse the creator's cart to another", async () => {
      // Mallory's petition, so that Alice's petitions stay as the other tests expect them.
      const watched = await openPetition(agora, mallory.token, 'Watched by two');
      const query = `subscription ($id: ID!) { signatureCountChanged(petitionId: $id) {
        signatureCount petition { viewerHasSigned creator { email } }
      } }`;
      const asCreator = createTestSubscriber(agora.gatewayUrl, { authorization: `Bearer ${mallory.token}` });
      const asBob = createTestSubscriber(agora.gatewayUrl, { authorization: `Bearer ${bob.token}` });
      try {
        const creators = asCreator.subscribe(query, { id: watched });
        const bobs = asBob.subscribe(query, { id: watched });
        const cart = asBob.subscribe(
          `subscription ($id: ID!) { signatureCountChanged(petitionId: $id) { petition { creator { cart { itemCount } } } } }`,
          { id: watched },
        );
        const [firstOfCreator, firstOfBob, cartAnswer] = [
          await creators.results.next(),
          await bobs.results.next(),
          await cart.results.next(),
        ];
        await sign(mallory, watched);

        const update = (signatureCount: number, viewerHasSigned: boolean, email: string | null) => ({
          data: { signatureCountChanged: { signatureCount, petition: { viewerHasSigned, creator: { email } } } },
        });
        expect([firstOfCreator, await creators.results.next()]).toEqual([
          update(0, false, mallory.email),
          update(1, true, mallory.email),
        ]);
        expect([firstOfBob, await bobs.results.next()]).toEqual([update(0, false, null), update(1, false, null)]);
        expect(cartAnswer.data ?? null).toBeNull();
        expect(cartAnswer.errors?.map((error) => error.extensions?.['code'])).toContain('FORBIDDEN');
        expect(JSON.stringify(cartAnswer)).not.toContain('itemCount');
      } finally {
        await Promise.all([asCreator.dispose(), asBob.dispose()]);
      }
    });
  });

  describe('through _entities sent straight to a subgraph', () => {
    const user = (person: () => Person) => () => [{ __typename: 'User', id: person().id }];

    /** [subgraph, what, representations, selection, Bob's answer, anonymous answer]. */
    const cases: [
      SubgraphName,
      string,
      () => object[],
      string,
      { data: unknown; codes: string[] },
      { data: unknown; codes: string[] },
    ][] = [
      [
        'orders',
        "Alice's cart",
        user(() => alice),
        '... on User { cart { itemCount items { quantity } } }',
        { data: { _entities: [null] }, codes: ['FORBIDDEN'] },
        { data: { _entities: [null] }, codes: ['UNAUTHENTICATED'] },
      ],
      [
        'orders',
        "Alice's orders",
        user(() => alice),
        '... on User { orders { totalCount nodes { id } } }',
        { data: { _entities: [null] }, codes: ['FORBIDDEN'] },
        { data: { _entities: [null] }, codes: ['UNAUTHENTICATED'] },
      ],
      [
        'orders',
        "Alice's order",
        () => [{ __typename: 'Order', id: aliceOrder }],
        '... on Order { id status total { amount } buyer { id } lines { quantity } }',
        { data: { _entities: [null] }, codes: [] },
        { data: { _entities: [null] }, codes: [] },
      ],
      [
        'orders',
        "Alice's order by its id in upper case",
        () => [{ __typename: 'Order', id: aliceOrder.toUpperCase() }],
        '... on Order { id status }',
        { data: { _entities: [null] }, codes: [] },
        { data: { _entities: [null] }, codes: [] },
      ],
      [
        'financial',
        "Alice's account through User",
        user(() => alice),
        '... on User { account { balance { amount } entries { kind } } }',
        { data: { _entities: [null] }, codes: ['FORBIDDEN'] },
        { data: { _entities: [null] }, codes: ['UNAUTHENTICATED'] },
      ],
      [
        'financial',
        "Alice's invoices",
        user(() => alice),
        '... on User { invoices { totalCount nodes { id number } } }',
        { data: { _entities: [null] }, codes: ['FORBIDDEN'] },
        { data: { _entities: [null] }, codes: ['UNAUTHENTICATED'] },
      ],
      [
        'financial',
        "Alice's account as an entity",
        () => [{ __typename: 'Account', id: alice.id }],
        '... on Account { id balance { amount } entries { kind } owner { id } }',
        { data: { _entities: [null] }, codes: [] },
        { data: { _entities: [null] }, codes: [] },
      ],
      [
        'financial',
        "Alice's invoice as an entity",
        () => [{ __typename: 'Invoice', id: aliceInvoice }],
        '... on Invoice { id number total { amount } order { id } }',
        { data: { _entities: [null] }, codes: [] },
        { data: { _entities: [null] }, codes: [] },
      ],
      [
        'financial',
        "the invoice and payment of Alice's order",
        () => [{ __typename: 'Order', id: aliceOrder }],
        '... on Order { invoice { id number order { id } } payment { id amount { amount } status } }',
        { data: { _entities: [{ invoice: null, payment: null }] }, codes: [] },
        { data: { _entities: [{ invoice: null, payment: null }] }, codes: [] },
      ],
      [
        'petitions',
        "Alice's draft",
        () => [{ __typename: 'Petition', id: aliceDraft }],
        '... on Petition { id title body status creator { id } }',
        { data: { _entities: [null] }, codes: [] },
        { data: { _entities: [null] }, codes: [] },
      ],
      [
        'petitions',
        "Alice's petitions",
        user(() => alice),
        '... on User { petitions { id status } }',
        { data: { _entities: [{ petitions: [{ id: '<aliceOpen>', status: 'OPEN' }] }] }, codes: [] },
        { data: { _entities: [{ petitions: [{ id: '<aliceOpen>', status: 'OPEN' }] }] }, codes: [] },
      ],
      [
        'signatures',
        "Alice's signatures",
        user(() => alice),
        '... on User { signedPetitions { totalCount nodes { id } } }',
        { data: { _entities: [null] }, codes: ['FORBIDDEN'] },
        { data: { _entities: [null] }, codes: ['UNAUTHENTICATED'] },
      ],
      [
        'signatures',
        'whether the caller signed a petition Alice signed',
        () => [{ __typename: 'Petition', id: bobOpen }],
        '... on Petition { signatureCount viewerHasSigned }',
        { data: { _entities: [{ signatureCount: 1, viewerHasSigned: false }] }, codes: [] },
        { data: { _entities: [{ signatureCount: 1, viewerHasSigned: false }] }, codes: [] },
      ],
      [
        'users',
        "Alice's email",
        user(() => alice),
        '... on User { id name email }',
        { data: { _entities: [{ id: '<alice>', name: 'Alice', email: null }] }, codes: [] },
        { data: { _entities: [{ id: '<alice>', name: 'Alice', email: null }] }, codes: [] },
      ],
      [
        'users',
        "Alice's email with a representation claiming it is shown to herself",
        () => [{ __typename: 'User', id: alice.id, shownToSelf: true, email: 'forged' }],
        '... on User { id email }',
        { data: { _entities: [{ id: '<alice>', email: null }] }, codes: [] },
        { data: { _entities: [{ id: '<alice>', email: null }] }, codes: [] },
      ],
    ];

    /** Fills in ids only known once beforeAll has run. */
    const resolveIds = (expected: unknown) =>
      JSON.parse(
        JSON.stringify(expected).replaceAll('<aliceOpen>', aliceOpen).replaceAll('<alice>', alice.id),
      ) as unknown;

    it.each(cases)(
      'should give Bob nothing private from %s when he asks for %s',
      async (subgraph, _what, reps, selection, asBob) => {
        const result = await entities(subgraph, selection, reps(), bob);

        expect({ data: result.data, codes: errorCodes(result) }).toEqual(resolveIds(asBob));
        expectNothingOfAlice(result);
      },
    );

    it.each(cases)(
      'should give an anonymous caller nothing private from %s when it asks for %s',
      async (subgraph, _what, reps, selection, _asBob, asAnonymous) => {
        const result = await entities(subgraph, selection, reps(), null);

        expect({ data: result.data, codes: errorCodes(result) }).toEqual(resolveIds(asAnonymous));
        expectNothingOfAlice(result);
      },
    );

    it.each(cases)(
      'should answer Alice her own data from %s when she asks for %s (the control)',
      async (subgraph, _what, reps, selection) => {
        const result = await entities(subgraph, selection, reps(), alice);

        expect(result.errors).toBeUndefined();
        expect(JSON.stringify(result.data)).not.toContain('null');
      },
    );

    it.each([
      ['orders', '... on User { cart { itemCount } orders { totalCount } }', 'cart'],
      ['financial', '... on User { account { balance { amount } } invoices { totalCount } }', 'account'],
      ['signatures', '... on User { signedPetitions { totalCount } }', 'signedPetitions'],
      ['users', '... on User { email }', null],
    ] as const)(
      "should answer Bob's own User and refuse Alice's in one batch to %s",
      async (subgraph, selection, refused) => {
        const result = await entities(
          subgraph,
          selection,
          [
            { __typename: 'User', id: bob.id },
            { __typename: 'User', id: alice.id },
          ],
          bob,
        );

        const [mine, hers] = (result.data?.['_entities'] ?? []) as unknown[];
        expect(mine).not.toBeNull();
        expect(JSON.stringify(mine)).not.toContain('null');
        if (refused === null) expect(hers).toEqual({ email: null });
        else {
          expect(hers).toBeNull();
          expect(new Set(errorCodes(result))).toEqual(new Set(['FORBIDDEN']));
          expect(result.errors?.every((error) => error.path?.[1] === 1)).toBe(true);
        }
        expectNothingOfAlice(result);
      },
    );

    it("should answer Bob's order, invoice and draft and not Alice's in one batch", async () => {
      const orders = await entities(
        'orders',
        '... on Order { id status }',
        [
          { __typename: 'Order', id: bobOrder },
          { __typename: 'Order', id: aliceOrder },
        ],
        bob,
      );
      const billing = await entities(
        'financial',
        '... on Order { invoice { order { id } } payment { status } }',
        [
          { __typename: 'Order', id: bobOrder },
          { __typename: 'Order', id: aliceOrder },
        ],
        bob,
      );
      const drafts = await entities(
        'petitions',
        '... on Petition { id status }',
        [
          { __typename: 'Petition', id: bobDraft },
          { __typename: 'Petition', id: aliceDraft },
        ],
        bob,
      );

      expect([dataOf(orders), dataOf(billing), dataOf(drafts)]).toEqual([
        { _entities: [{ id: bobOrder, status: 'PAID' }, null] },
        {
          _entities: [
            { invoice: { order: { id: bobOrder } }, payment: { status: 'CAPTURED' } },
            { invoice: null, payment: null },
          ],
        },
        { _entities: [{ id: bobDraft, status: 'CREATED' }, null] },
      ]);
      for (const result of [orders, billing, drafts]) expectNothingOfAlice(result);
    });

    it('should refuse identity headers that come without the gateway secret', async () => {
      const result = await fetch(agora.subgraphUrls.orders, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...identityHeaders({ userId: alice.id, sessionId: randomUUID() }),
        },
        body: JSON.stringify({
          query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { cart { itemCount } } } }',
          variables: { r: [{ __typename: 'User', id: alice.id }] },
        }),
      });

      expect(result.status).toBe(403);
      expect(await result.text()).not.toContain('itemCount');
    });
  });

  describe('through the gateway, anonymously', () => {
    it.each(PRIVATE_USER_FIELDS)(
      "should refuse a petition creator's %s with UNAUTHENTICATED",
      async (field, selection) => {
        const result = await agora.request(`query ($id: ID!) { petition(id: $id) { creator { ${selection} } } }`, {
          id: aliceOpen,
        });

        expect(result.data).toEqual({ petition: null });
        expect(result.errors?.map((error) => [error.path, error.extensions?.['code']])).toEqual([
          [['petition', 'creator', field], 'UNAUTHENTICATED'],
        ]);
        expectNothingOfAlice(result);
      },
    );

    it('should show public fields only: no me, no draft, no email, not signed', async () => {
      const result = await agora.request(
        `query ($aliceDraft: ID!, $aliceOpen: ID!) {
          me { id }
          draft: petition(id: $aliceDraft) { id title }
          open: petition(id: $aliceOpen) { id viewerHasSigned signatureCount creator { name email petitions { id } } }
        }`,
        { aliceDraft, aliceOpen },
      );

      expect(dataOf(result)).toEqual({
        me: null,
        draft: null,
        open: {
          id: aliceOpen,
          viewerHasSigned: false,
          signatureCount: 1,
          creator: { name: 'Alice', email: null, petitions: [{ id: aliceOpen }] },
        },
      });
      expectNothingOfAlice(result);
    });

    it.each([
      ['cancelOrder', () => ({ id: aliceOrder }), 'mutation ($id: ID!) { cancelOrder(orderId: $id) { __typename } }'],
      ['removeItem', () => ({ id: pen }), 'mutation ($id: ID!) { removeItem(productId: $id) { itemCount } }'],
      [
        'updatePetition',
        () => ({ id: aliceDraft }),
        'mutation ($id: ID!) { updatePetition(id: $id, input: { title: "x", body: "y" }) { __typename } }',
      ],
      ['launchPetition', () => ({ id: aliceDraft }), 'mutation ($id: ID!) { launchPetition(id: $id) { __typename } }'],
      ['closePetition', () => ({ id: aliceOpen }), 'mutation ($id: ID!) { closePetition(id: $id) { __typename } }'],
      [
        'signPetition',
        () => ({ id: aliceOpen }),
        'mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }',
      ],
    ])('should refuse an anonymous %s with UNAUTHENTICATED and change no row', async (_mutation, variables, query) => {
      const before = await rowsOwnedBy(dbs, alice.id);
      const result = await agora.request(query, variables());

      expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
      expect(await rowsOwnedBy(dbs, alice.id)).toEqual(before);
    });
  });
});
