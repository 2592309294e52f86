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
  return {
    schemaPath: ORDERS_SCHEMA_PATH,
    subgraph: orders.subgraph,
    identity: buyer,
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
