import { describeSubgraphContract } from '@agora/testkit';
import { ORDERS_SCHEMA_PATH } from '../subgraph.js';
import { fakeProduct, insertOrder, someone, startOrders, type OrdersHarness } from './ordersHarness.js';

let orders: OrdersHarness;

afterAll(async () => {
  await orders.stop();
});

describeSubgraphContract('orders', async () => {
  const mug = fakeProduct('Mug', 5, 1250);
  orders = await startOrders([mug]);
  const buyer = someone();
  const orderId = await insertOrder(orders, buyer.userId, [{ productId: mug.id, quantity: 2, unitPriceAmount: 1250 }]);
  // Entities resolve for the caller they belong to, as the gateway forwards them.
  const request = orders.subgraph.request;
  const subgraph = { ...orders.subgraph, request: (query: string, variables?: Record<string, unknown>) => request(query, variables, buyer) };
  return {
    schemaPath: ORDERS_SCHEMA_PATH,
    subgraph,
    entities: [
      {
        representation: { __typename: 'User', id: buyer.userId },
        selection: 'id cart { itemCount }',
        expected: { id: buyer.userId, cart: { itemCount: 0 } },
      },
      {
        representation: { __typename: 'Order', id: orderId },
        selection: 'id status total { amount currency } lines { quantity }',
        expected: { id: orderId, status: 'PAID', total: { amount: 2500, currency: 'EUR' }, lines: [{ quantity: 2 }] },
      },
    ],
  };
});
