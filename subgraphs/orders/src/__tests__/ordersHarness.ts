import { MemRateLimiter } from '@agora/adapters';
import { randomUUID } from 'node:crypto';
import { runMigrations } from '@agora/db';
import { silentLogger, type ServiceClient, createServiceMetrics } from '@agora/service';
import { createTestDatabase, serveTestSubgraph } from '@agora/testkit';
import { ORDERS_MIGRATIONS_DIR, createOrdersSubgraph, type OrdersDeps } from '../subgraph.js';

export interface FakeProduct {
  id: string;
  name: string;
  stock: number;
  price: { amount: number; currency: string };
}

/**
 * Inventory as orders sees it across the process edge: answers the `_entities` call the
 * inventory client makes, and counts the calls. (The real pair is tested through the
 * gateway in the launcher's federation tests.)
 */
export function createFakeInventory(products: FakeProduct[]) {
  const byId = new Map(products.map((product) => [product.id, product]));
  const fake = {
    calls: 0,
    byId,
    client: {
      async request<Data>(_query: string, variables: Record<string, unknown> = {}): Promise<Data> {
        fake.calls++;
        const representations = variables['representations'] as { id: string }[];
        return { _entities: representations.map(({ id }) => byId.get(id) ?? null) } as Data;
      },
    } satisfies ServiceClient,
  };
  return fake;
}

export function fakeProduct(name: string, stock: number, amount: number): FakeProduct {
  return { id: randomUUID(), name, stock, price: { amount, currency: 'EUR' } };
}

/** A peer these tests never reach: calling it fails the test. */
function unreachable(service: string): ServiceClient {
  return {
    request: () => Promise.reject(new Error(`the cart tests do not call ${service}`)),
  };
}

/** The orders subgraph on its own fresh database, with a fake inventory (or the peers and settings of `overrides`). */
export async function startOrders(products: FakeProduct[], overrides: Partial<Omit<OrdersDeps, 'db'>> = {}) {
  const database = await createTestDatabase('orders');
  await runMigrations(database.db, ORDERS_MIGRATIONS_DIR);
  const inventory = createFakeInventory(products);
  const subgraph = await serveTestSubgraph(
    createOrdersSubgraph({
      db: database.db,
      inventory: inventory.client,
      // Checkout is tested against the real services, through the gateway (launcher tests).
      financial: unreachable('financial'),
      users: unreachable('users'),
      rateLimiter: new MemRateLimiter(),
      checkout: {
        deadlineMs: 1_000,
        retry: { initialBackoffMs: 20, maxBackoffMs: 200 },
        recoveryDeadlineMs: 3_600_000,
        recoveryIntervalMs: 3_600_000,
        recoveryBatchSize: 100,
        recoveryConcurrency: 8,
        duplicateWaitMs: 0,
        limits: { perUser: 100, perAddress: 100 },
      },
      logger: silentLogger,
      metrics: createServiceMetrics('orders'),
      ...overrides,
    }),
  );
  return {
    database,
    inventory,
    subgraph,
    async stop() {
      await subgraph.stop();
      await database.drop();
    },
  };
}

export type OrdersHarness = Awaited<ReturnType<typeof startOrders>>;

/** A user identity as the gateway would forward it. */
export function someone() {
  return { userId: randomUUID(), sessionId: randomUUID() };
}

/** Writes an order row as checkout will, for read-side tests. */
export async function insertOrder(
  harness: OrdersHarness,
  userId: string,
  lines: { productId: string; quantity: number; unitPriceAmount: number }[],
  createdAt = new Date(),
) {
  const total = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceAmount, 0);
  const order = await harness.database.db.queryOne<{ id: string }>(
    `INSERT INTO orders (user_id, idempotency_key, status, total_amount, currency, created_at, stock_settled)
     VALUES ($1, $2, 'PAID', $3, 'EUR', $4, true) RETURNING id`,
    [userId, randomUUID(), total, createdAt],
  );
  for (const line of lines) {
    await harness.database.db.execute(
      'INSERT INTO order_lines (order_id, product_id, quantity, unit_price_amount) VALUES ($1, $2, $3, $4)',
      [order?.id, line.productId, line.quantity, line.unitPriceAmount],
    );
  }
  return order?.id as string;
}
