import { randomUUID } from 'node:crypto';
import { silentLogger } from '@agora/service';
import { dataOf, describeSubgraphFunctionContract, startTestFunction, type TestFunction } from '@agora/testkit';
import { createFinancialFunction } from '../function.js';
import { FINANCIAL_MIGRATIONS_DIR, FINANCIAL_SCHEMA_PATH } from '../subgraph.js';

let harness: TestFunction;

beforeAll(async () => {
  harness = await startTestFunction('financial', (env) => createFinancialFunction(env, silentLogger));
});

afterAll(async () => {
  await harness.stop();
});

describeSubgraphFunctionContract('financial', {
  schemaPath: FINANCIAL_SCHEMA_PATH,
  migrationsDir: FINANCIAL_MIGRATIONS_DIR,
  harness: () => harness,
});

describe('financial function', () => {
  const DEPOSIT = `mutation ($amount: Int!) { deposit(amount: $amount) { __typename ... on Account { balance { amount } } } }`;
  const ACCOUNT = `query ($r: [_Any!]!) {
    _entities(representations: $r) { ... on User { account { id balance { amount currency } } } }
  }`;

  it('should take a deposit through the lambda handler and show it through the gcf handler', async () => {
    const owner = { userId: randomUUID(), sessionId: randomUUID() };
    expect(dataOf(await harness.lambda.request(DEPOSIT, { amount: 1250 }, owner))).toEqual({
      deposit: { __typename: 'Account', balance: { amount: 1250 } },
    });
    const account = await harness.gcf.request(ACCOUNT, { r: [{ __typename: 'User', id: owner.userId }] }, owner);
    expect(dataOf(account)).toEqual({
      _entities: [{ account: { id: owner.userId, balance: { amount: 1250, currency: 'EUR' } } }],
    });
  });
});
