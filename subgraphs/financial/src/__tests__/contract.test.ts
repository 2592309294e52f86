import { describeSubgraphContract } from '@agora/testkit';
import { FINANCIAL_SCHEMA_PATH } from '../subgraph.js';
import { insertPaidOrder, someone, startFinancial, type FinancialHarness } from './financialHarness.js';

let financial: FinancialHarness;

afterAll(async () => {
  await financial.stop();
});

describeSubgraphContract('financial', async () => {
  financial = await startFinancial();
  const owner = someone();
  const orderId = await insertPaidOrder(financial, owner.userId, 4200);
  const invoice = await financial.database.db.queryOne<{ id: string }>('SELECT id FROM invoices WHERE order_id = $1', [
    orderId,
  ]);
  return {
    schemaPath: FINANCIAL_SCHEMA_PATH,
    subgraph: financial.subgraph,
    identity: owner,
    entities: [
      {
        representation: { __typename: 'User', id: owner.userId },
        selection: 'id account { balance { amount } }',
        expected: { id: owner.userId, account: { balance: { amount: 0 } } },
      },
      {
        representation: { __typename: 'Order', id: orderId },
        selection: 'id invoice { number } payment { status amount { amount } }',
        expected: {
          id: orderId,
          invoice: { number: 'INV-000001' },
          payment: { status: 'CAPTURED', amount: { amount: 4200 } },
        },
      },
      {
        representation: { __typename: 'Account', id: owner.userId },
        selection: 'id owner { id }',
        expected: { id: owner.userId, owner: { id: owner.userId } },
      },
      {
        representation: { __typename: 'Invoice', id: invoice?.id },
        selection: 'id number total { amount } order { id }',
        expected: { id: invoice?.id, number: 'INV-000001', total: { amount: 4200 }, order: { id: orderId } },
      },
    ],
  };
});
