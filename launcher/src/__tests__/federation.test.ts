import { INTERNAL_HEADERS } from '@agora/service';
import { TEST_GATEWAY_SECRET, dataOf, errorCodes, postGraphQL } from '@agora/testkit';
import { createProductStore } from '@agora/inventory';
import { createDb } from '@agora/db';
import { openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';

describe('federation through the gateway', () => {
  let agora: TestAgora;
  let productIds: string[];

  beforeAll(async () => {
    agora = await startTestAgora();
    const db = createDb({ connectionString: agora.databaseUrls.inventory });
    try {
      await createProductStore(db).insertProducts([
        { sku: 'MUG', name: 'Enamel mug', description: 'Blue', priceAmount: 1250, currency: 'EUR', stock: 5 },
        { sku: 'PEN', name: 'Fountain pen', description: 'Steel nib', priceAmount: 3400, currency: 'EUR', stock: 2 },
      ]);
      productIds = (await db.query<{ id: string }>('SELECT id FROM products ORDER BY sku')).map((row) => row.id);
    } finally {
      await db.close();
    }
  });

  afterAll(async () => {
    await agora.stop();
  });

  it('should answer me with the caller registered through the gateway', async () => {
    const ada = await registerUser(agora, 'Ada');
    const result = await agora.request('{ me { id name email } }', {}, ada.token);
    expect(dataOf(result)).toEqual({ me: { id: ada.id, name: 'Ada', email: ada.email } });
  });

  it('should price cart items from inventory when the cart is read through the gateway', async () => {
    const buyer = await registerUser(agora, 'Buyer');
    const [mug, pen] = productIds;
    await agora.request(
      `mutation ($id: ID!) { addItem(productId: $id, quantity: 2) { __typename } }`,
      { id: mug },
      buyer.token,
    );
    await agora.request(
      `mutation ($id: ID!) { addItem(productId: $id, quantity: 1) { __typename } }`,
      { id: pen },
      buyer.token,
    );

    const result = await agora.request(
      `{ me { cart { itemCount total { amount currency } items { quantity unitPrice { amount } product { name price { amount } stock } } } } }`,
      {},
      buyer.token,
    );

    expect(dataOf(result)).toEqual({
      me: {
        cart: {
          itemCount: 3,
          total: { amount: 5900, currency: 'EUR' },
          items: [
            {
              quantity: 2,
              unitPrice: { amount: 1250 },
              product: { name: 'Enamel mug', price: { amount: 1250 }, stock: 5 },
            },
            {
              quantity: 1,
              unitPrice: { amount: 3400 },
              product: { name: 'Fountain pen', price: { amount: 3400 }, stock: 2 },
            },
          ],
        },
      },
    });
  });

  it('should name the product when addItem answers InsufficientStock through the gateway', async () => {
    const buyer = await registerUser(agora, 'Greedy');
    const result = await agora.request(
      `mutation ($id: ID!) { addItem(productId: $id, quantity: 3) { ... on InsufficientStock { message available product { name } } } }`,
      { id: productIds[1] },
      buyer.token,
    );
    expect(dataOf(result)).toEqual({
      addItem: {
        message: 'Only 2 of "Fountain pen" left; you asked for 3.',
        available: 2,
        product: { name: 'Fountain pen' },
      },
    });
  });

  it("should show an open petition with its creator's name and its signature count", async () => {
    const creator = await registerUser(agora, 'Creator');
    const signer = await registerUser(agora, 'Signer');
    const id = await openPetition(agora, creator.token, 'More benches', 'In every park.');
    const signed = await agora.request(
      `mutation ($id: ID!) { signPetition(petitionId: $id) { ... on Signature { signatureCount petition { title creator { name } } } } }`,
      { id },
      signer.token,
    );

    const read = await agora.request(
      `query ($id: ID!) { petition(id: $id) { title status creator { name } signatureCount viewerHasSigned } }`,
      { id },
      signer.token,
    );

    expect(dataOf(signed)).toEqual({
      signPetition: { signatureCount: 1, petition: { title: 'More benches', creator: { name: 'Creator' } } },
    });
    expect(dataOf(read)).toEqual({
      petition: {
        title: 'More benches',
        status: 'OPEN',
        creator: { name: 'Creator' },
        signatureCount: 1,
        viewerHasSigned: true,
      },
    });
  });

  it("should resolve a user's account, petitions and signed petitions through the gateway", async () => {
    const user = await registerUser(agora, 'Saver');
    await agora.request(`mutation { deposit(amount: 5000) { __typename } }`, {}, user.token);
    const result = await agora.request(
      `{ me { account { balance { amount } entries { kind } } petitions { id } signedPetitions { totalCount } orders { totalCount } invoices { totalCount } } }`,
      {},
      user.token,
    );
    expect(dataOf(result)).toEqual({
      me: {
        account: { balance: { amount: 5000 }, entries: [{ kind: 'DEPOSIT' }] },
        petitions: [],
        signedPetitions: { totalCount: 0 },
        orders: { totalCount: 0 },
        invoices: { totalCount: 0 },
      },
    });
  });

  it('should refuse the token of a session that logged out', async () => {
    const user = await registerUser(agora, 'Leaver');
    expect(dataOf(await agora.request('mutation { logout }', {}, user.token))).toEqual({ logout: true });
    const after = await agora.request('{ me { id } }', {}, user.token);
    expect(errorCodes(after)).toEqual(['UNAUTHENTICATED']);
    expect(after.errors?.[0]?.message).toBe('This session has ended; log in again.');
    expect(after.status).toBe(401);
  });

  it('should ignore identity headers a client sends and use only the verified token', async () => {
    const victim = await registerUser(agora, 'Victim');
    const spoofed = await agora.request('{ me { id } }', {}, undefined, {
      [INTERNAL_HEADERS.userId]: victim.id,
      [INTERNAL_HEADERS.sessionId]: 'whatever',
      [INTERNAL_HEADERS.gatewaySecret]: 'guess',
    });
    expect(dataOf(spoofed)).toEqual({ me: null });
  });

  it('should refuse a subgraph request without the gateway secret and serve it with the secret', async () => {
    const url = agora.subgraphUrls.users;
    const refused = await postGraphQL(url, '{ _service { sdl } }');
    const served = await postGraphQL(url, '{ __typename }', {
      headers: { [INTERNAL_HEADERS.gatewaySecret]: TEST_GATEWAY_SECRET },
    });
    expect(refused.status).toBe(403);
    expect(dataOf(served)).toEqual({ __typename: 'Query' });
  });

  it('should answer a malformed or forged token with UNAUTHENTICATED rather than as anonymous', async () => {
    for (const token of ['not-a-jwt', 'a.b.c']) {
      const result = await agora.request('{ me { id } }', {}, token);
      expect({ token, codes: errorCodes(result) }).toEqual({ token, codes: ['UNAUTHENTICATED'] });
    }
  });

  it('should point a subscription sent over HTTP to the WebSocket on the same path', async () => {
    const subscription = await agora.request(
      'subscription { signatureCountChanged(petitionId: "x") { signatureCount } }',
    );
    expect([subscription.status, errorCodes(subscription)]).toEqual([400, ['BAD_REQUEST']]);
    expect(subscription.errors?.[0]?.message).toBe(
      'Subscriptions are served over WebSocket (the graphql-ws protocol) on this same /graphql path, not over HTTP.',
    );
  });
});

describe('federation with Redis', () => {
  it('should carry petition events and session revocations through Redis when REDIS_URL is set', async () => {
    const { TEST_REDIS_URL, testRedisPrefix } = await import('@agora/testkit');
    const agora = await startTestAgora({ redisUrl: TEST_REDIS_URL, redisPrefix: testRedisPrefix('e2e') });
    try {
      expect(agora.adapters.kind).toBe('redis');
      const creator = await registerUser(agora, 'Redis Creator');
      const id = await openPetition(agora, creator.token, 'Over Redis', 'Body');
      const signed = await agora.request(
        `mutation ($id: ID!) { signPetition(petitionId: $id) { __typename ... on Signature { signatureCount } } }`,
        { id },
        creator.token,
      );
      expect(dataOf(signed)).toEqual({ signPetition: { __typename: 'Signature', signatureCount: 1 } });

      await agora.request('mutation { logout }', {}, creator.token);
      expect(errorCodes(await agora.request('{ me { id } }', {}, creator.token))).toEqual(['UNAUTHENTICATED']);
    } finally {
      await agora.stop();
    }
  });
});

describe('federation in production mode', () => {
  let agora: TestAgora;

  beforeAll(async () => {
    agora = await startTestAgora({ production: true });
  });

  afterAll(async () => {
    await agora.stop();
  });

  it('should pass a subgraph’s deliberate error through with its message and nothing internal', async () => {
    const anonymous = await agora.request(
      `mutation { createPetition(input: { title: "t", body: "b" }) { __typename } }`,
    );
    expect(anonymous.status).toBe(200);
    expect(anonymous.errors).toEqual([
      {
        message: 'You must be logged in to do this.',
        path: ['createPetition'],
        extensions: { code: 'UNAUTHENTICATED' },
      },
    ]);

    const owner = await registerUser(agora, 'Owner');
    const stranger = await registerUser(agora, 'Stranger');
    const id = await openPetition(agora, owner.token, 'Mine', 'b');
    // Reaching someone else's cart through a petition's creator is refused by orders.
    const forbidden = await agora.request(
      `query ($id: ID!) { petition(id: $id) { title creator { name cart { itemCount } } } }`,
      { id },
      stranger.token,
    );
    // cart and creator are non-null, so the refusal nulls the nearest nullable field.
    expect(forbidden.data).toEqual({ petition: null });
    expect(forbidden.errors).toEqual([
      {
        message: 'You can only see your own cart.',
        path: ['petition', 'creator', 'cart'],
        extensions: { code: 'FORBIDDEN' },
      },
    ]);
    expect(JSON.stringify([anonymous, forbidden])).not.toMatch(/127\.0\.0\.1|http:\/\/|stacktrace|serviceName/);
  });
});
