import { dataOf, errorCodes } from '@agora/testkit';
import { insertPaidOrder, someone, startFinancial, type FinancialHarness } from './financialHarness.js';

const DEPOSIT = `mutation ($amount: Int!) {
  deposit(amount: $amount) {
    __typename
    ... on Account { id balance { amount currency } entries(first: 5) { kind amount { amount } balanceAfter { amount } } }
    ... on InvalidInput { code field message }
  }
}`;

const ACCOUNT = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { account { id balance { amount } } } } }`;

describe('financial accounts', () => {
  let financial: FinancialHarness;

  beforeAll(async () => {
    financial = await startFinancial();
  });

  afterAll(async () => {
    await financial.stop();
  });

  async function balanceOf(userId: string) {
    const row = await financial.database.db.queryOne<{ balance_amount: number }>(
      'SELECT balance_amount FROM accounts WHERE id = $1',
      [userId],
    );
    return row?.balance_amount ?? null;
  }

  it('should open the account, add to the balance and write a ledger entry when depositing', async () => {
    const owner = someone();
    await financial.subgraph.request(DEPOSIT, { amount: 5000 }, owner);
    const result = await financial.subgraph.request(DEPOSIT, { amount: 250 }, owner);

    expect(dataOf(result)).toEqual({
      deposit: {
        __typename: 'Account',
        id: owner.userId,
        balance: { amount: 5250, currency: 'EUR' },
        entries: [
          { kind: 'DEPOSIT', amount: { amount: 250 }, balanceAfter: { amount: 5250 } },
          { kind: 'DEPOSIT', amount: { amount: 5000 }, balanceAfter: { amount: 5000 } },
        ],
      },
    });
    expect(await balanceOf(owner.userId)).toBe(5250);
  });

  it('should end with the exact sum when many deposits race on one account', async () => {
    const owner = someone();
    await Promise.all(Array.from({ length: 40 }, () => financial.subgraph.request(DEPOSIT, { amount: 100 }, owner)));
    expect(await balanceOf(owner.userId)).toBe(4000);
    const entries = await financial.database.db.query<{ balance_after: number }>(
      'SELECT balance_after FROM ledger_entries WHERE account_id = $1 ORDER BY balance_after',
      [owner.userId],
    );
    expect(entries.map((entry) => entry.balance_after)).toEqual(Array.from({ length: 40 }, (_, i) => (i + 1) * 100));
  });

  it.each([
    [0, 'Deposit must be between 1 and 100000000 minor units, got 0.'],
    [-500, 'Deposit must be between 1 and 100000000 minor units, got -500.'],
    [100_000_001, 'Deposit must be between 1 and 100000000 minor units, got 100000001.'],
  ])('should answer InvalidInput and write nothing when depositing %p', async (amount, message) => {
    const owner = someone();
    const result = await financial.subgraph.request(DEPOSIT, { amount }, owner);
    expect(dataOf(result)).toEqual({
      deposit: { __typename: 'InvalidInput', code: 'INVALID_INPUT', field: 'amount', message },
    });
    expect(await balanceOf(owner.userId)).toBeNull();
  });

  it('should refuse a deposit that would take the balance past the maximum, and keep the balance', async () => {
    const owner = someone();
    for (let i = 0; i < 10; i++) await financial.subgraph.request(DEPOSIT, { amount: 100_000_000 }, owner);
    const result = await financial.subgraph.request(DEPOSIT, { amount: 1 }, owner);
    expect(dataOf(result)).toMatchObject({ deposit: { __typename: 'InvalidInput', field: 'amount' } });
    expect(await balanceOf(owner.userId)).toBe(1_000_000_000);
  });

  it('should show an empty account to a user who never deposited, without writing one', async () => {
    const owner = someone();
    const result = await financial.subgraph.request(ACCOUNT, { r: [{ __typename: 'User', id: owner.userId }] }, owner);
    expect(dataOf(result)).toEqual({ _entities: [{ account: { id: owner.userId, balance: { amount: 0 } } }] });
    expect(await balanceOf(owner.userId)).toBeNull();
  });

  it("should refuse to show another user's account, ledger or invoices", async () => {
    const owner = someone();
    await financial.subgraph.request(DEPOSIT, { amount: 100 }, owner);
    const stranger = someone();
    const account = await financial.subgraph.request(
      ACCOUNT,
      { r: [{ __typename: 'User', id: owner.userId }] },
      stranger,
    );
    const invoices = await financial.subgraph.request(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { invoices { totalCount } } } }`,
      { r: [{ __typename: 'User', id: owner.userId }] },
      stranger,
    );
    const direct = await financial.subgraph.request(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Account { balance { amount } entries { id } } } }`,
      { r: [{ __typename: 'Account', id: owner.userId }] },
      stranger,
    );
    expect([errorCodes(account), errorCodes(invoices)]).toEqual([['FORBIDDEN'], ['FORBIDDEN']]);
    expect(dataOf(direct)).toEqual({ _entities: [null] });
  });

  it("should hide another user's invoice and payment when asked through their order", async () => {
    const owner = someone();
    const orderId = await insertPaidOrder(financial, owner.userId, 990);
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { invoice { number } payment { status } } } }`;
    const asStranger = await financial.subgraph.request(
      query,
      { r: [{ __typename: 'Order', id: orderId }] },
      someone(),
    );
    const asOwner = await financial.subgraph.request(query, { r: [{ __typename: 'Order', id: orderId }] }, owner);
    expect(dataOf(asStranger)).toEqual({ _entities: [{ invoice: null, payment: null }] });
    expect(dataOf(asOwner)).toEqual({
      _entities: [{ invoice: { number: expect.stringMatching(/^INV-\d{6}$/) }, payment: { status: 'CAPTURED' } }],
    });
  });

  it('should answer UNAUTHENTICATED when an anonymous caller deposits', async () => {
    expect(errorCodes(await financial.subgraph.request(DEPOSIT, { amount: 100 }))).toEqual(['UNAUTHENTICATED']);
  });

  it('should load invoices and payments of 50 orders with two SQL statements', async () => {
    const owner = someone();
    const orderIds: string[] = [];
    for (let i = 0; i < 50; i++) orderIds.push(await insertPaidOrder(financial, owner.userId, 100 + i));
    financial.database.resetQueryCount();
    const result = await financial.subgraph.request(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { invoice { number total { amount } } payment { status } } } }`,
      { r: orderIds.map((id) => ({ __typename: 'Order', id })) },
      owner,
    );
    expect((dataOf(result) as { _entities: unknown[] })._entities).toHaveLength(50);
    expect(financial.database.queryCount()).toBe(2);
  });

  it('should list invoices newest first, with consecutive numbers, across pages', async () => {
    const owner = someone();
    for (let i = 0; i < 3; i++) await insertPaidOrder(financial, owner.userId, 100);
    type Page = {
      _entities: { invoices: { nodes: { number: string }[]; pageInfo: { endCursor: string }; totalCount: number } }[];
    };
    const query = `query ($r: [_Any!]!, $after: String) {
      _entities(representations: $r) { ... on User { invoices(first: 2, after: $after) { nodes { number } pageInfo { endCursor } totalCount } } }
    }`;
    const r = [{ __typename: 'User', id: owner.userId }];

    const first = dataOf(await financial.subgraph.request<Page>(query, { r }, owner))._entities[0]!.invoices;
    const second = dataOf(await financial.subgraph.request<Page>(query, { r, after: first.pageInfo.endCursor }, owner))
      ._entities[0]!.invoices;

    const numbers = [...first.nodes, ...second.nodes].map((node) => Number(node.number.slice(4)));
    expect(first.totalCount).toBe(3);
    expect(numbers).toEqual([numbers[2]! + 2, numbers[2]! + 1, numbers[2]]);
  });
});
