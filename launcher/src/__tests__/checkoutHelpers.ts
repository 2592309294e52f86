import { createDb, type Db } from '@agora/db';
import { createProductStore } from '@agora/inventory';
import { dataOf, uniqueTag, type GraphQLResult } from '@agora/testkit';
import { registerUser, type TestAgora } from '../testAgora.js';

/** Direct database access to check what each subgraph wrote. */
export function openDatabases(agora: TestAgora) {
  const dbs = {
    orders: createDb({ connectionString: agora.databaseUrls.orders }),
    inventory: createDb({ connectionString: agora.databaseUrls.inventory }),
    financial: createDb({ connectionString: agora.databaseUrls.financial }),
    users: createDb({ connectionString: agora.databaseUrls.users }),
  };
  return {
    ...dbs,
    close: () => Promise.all(Object.values(dbs).map((db: Db) => db.close())),
  };
}

export type Databases = ReturnType<typeof openDatabases>;

/** Adds a product and returns its id. */
export async function addProduct(dbs: Databases, stock: number, priceAmount: number, name = `Product ${uniqueTag()}`) {
  const sku = `T-${uniqueTag()}`;
  await createProductStore(dbs.inventory).insertProducts([
    { sku, name, description: '', priceAmount, currency: 'EUR', stock },
  ]);
  return (await dbs.inventory.queryOne<{ id: string }>('SELECT id FROM products WHERE sku = $1', [sku]))?.id as string;
}

/** A registered user with `balance` on their account and `items` in their cart. */
export async function shopper(agora: TestAgora, balance: number, items: { productId: string; quantity: number }[]) {
  const user = await registerUser(agora, 'Shopper');
  if (balance > 0)
    await agora.request(`mutation ($a: Int!) { deposit(amount: $a) { __typename } }`, { a: balance }, user.token);
  for (const item of items) {
    const added = await agora.request<{ addItem: { __typename: string } }>(
      `mutation ($p: ID!, $q: Int!) { addItem(productId: $p, quantity: $q) { __typename } }`,
      { p: item.productId, q: item.quantity },
      user.token,
    );
    if (dataOf(added).addItem.__typename !== 'Cart')
      throw new Error(`addItem answered ${dataOf(added).addItem.__typename}`);
  }
  return user;
}

export interface CheckoutAnswer {
  checkout: {
    __typename: string;
    id?: string;
    status?: string;
    total?: { amount: number };
    code?: string;
    message?: string;
    field?: string;
    available?: number;
    balance?: { amount: number };
    amount?: { amount: number };
  };
}

export function checkout(agora: TestAgora, token: string, key: string): Promise<GraphQLResult<CheckoutAnswer>> {
  return agora.request<CheckoutAnswer>(
    `mutation ($key: String!) {
      checkout(idempotencyKey: $key) {
        __typename
        ... on Order { id status total { amount } }
        ... on ErrorResult { code message }
        ... on InvalidInput { field }
        ... on InsufficientStock { available }
        ... on PaymentDeclined { balance { amount } amount { amount } }
      }
    }`,
    { key },
    token,
  );
}

export async function stockOf(dbs: Databases, productId: string) {
  return (await dbs.inventory.queryOne<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [productId]))
    ?.stock;
}

export async function balanceOf(dbs: Databases, userId: string) {
  return (
    await dbs.financial.queryOne<{ b: number }>('SELECT balance_amount AS b FROM accounts WHERE id = $1', [userId])
  )?.b;
}

/** The facts every checkout must keep, whatever happened on the way. */
export async function checkoutInvariants(dbs: Databases, orderId: string) {
  const order = await dbs.orders.queryOne<{ status: string; total_amount: number }>(
    'SELECT status, total_amount FROM orders WHERE id = $1',
    [orderId],
  );
  const payment = await dbs.financial.queryOne<{ amount: number; status: string }>(
    'SELECT amount, status FROM payments WHERE order_id = $1',
    [orderId],
  );
  const reservation = await dbs.inventory.queryOne<{ status: string }>(
    'SELECT status FROM reservations WHERE order_id = $1',
    [orderId],
  );
  return { order, payment, reservation };
}
