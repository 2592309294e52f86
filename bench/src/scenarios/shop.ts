// (a) The shop's Locust test: virtual users, spawned at a rate, each looping register →
// deposit → products → addItem → checkout through Agora's gateway, with 100 and then 400
// users. The databases are read afterwards to check that every sale was paid and taken
// from stock exactly once.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'undici';
import { createDb } from '@agora/db';
import { DEMO_PRODUCTS, createProductStore } from '@agora/inventory';
import { summarize } from '../load/samples.js';
import {
  runVirtualUsers,
  type Phase,
  type PhaseWindow,
  type StepSample,
  type VirtualUser,
} from '../load/virtualUsers.js';
import { cpuMethod, cpuTable } from '../report/cpuTable.js';
import { lineChart, type Series } from '../report/svgChart.js';
import { percentile, sleep } from '../stats.js';
import type { AgoraUnderTest } from '../system/agora.js';
import {
  benchProcessGroups,
  cpuPerOperation,
  takeCpuSnapshot,
  type CpuPerOperation,
  type CpuSnapshot,
  type ProcessGroup,
} from '../system/cpu.js';
import { GATEWAY_LABELS, startGateway } from '../system/gateways.js';
import { dataOfAnswer } from './graphqlHttp.js';
import {
  byScale,
  type BenchContext,
  type Check,
  type CpuReading,
  type Scenario,
  type ScenarioReport,
} from './scenario.js';

const STEPS = ['register', 'deposit', 'products', 'addItem', 'checkout'] as const;
type Step = (typeof STEPS)[number];

const REGISTER = `mutation Register($input: RegisterInput!) {
  register(input: $input) { __typename ... on AuthPayload { token } ... on ErrorResult { message } }
}`;
const DEPOSIT = `mutation Deposit($amount: Int!) {
  deposit(amount: $amount) { __typename ... on Account { balance { amount } } ... on ErrorResult { message } }
}`;
const PRODUCTS = 'query Products { products(first: 20) { nodes { id name price { amount currency } stock } } }';
const ADD_ITEM = `mutation AddItem($productId: ID!) {
  addItem(productId: $productId, quantity: 1) { __typename ... on Cart { itemCount } ... on ErrorResult { message } }
}`;
const CHECKOUT = `mutation Checkout($key: String!) {
  checkout(idempotencyKey: $key) {
    __typename ... on Order { status total { amount } } ... on ErrorResult { message }
  }
}`;

/** So stock never runs out, however long the run. */
const STOCK = 10_000_000;
/** Covers the dearest product: new accounts start at 0, and a checkout they cannot pay is declined. */
const DEPOSIT_AMOUNT = Math.max(...DEMO_PRODUCTS.map((product) => product.priceAmount));
/** Between a user's loops: none, so each user is a closed loop (Locust's `constant(0)`). */
const THINK_TIME_MS = 0;

interface ProductNode {
  id: string;
  price: { amount: number };
}

interface Tally {
  count: number;
  total: number;
}

/** What the databases hold: each product's price and stock, the orders by status, the payments taken. */
interface Snapshot {
  products: Map<string, { price: number; stock: number }>;
  orders: Map<string, Tally>;
  captured: Tally;
}

function schedule(context: BenchContext): Phase[] {
  return byScale(context.scale, {
    full: [
      { users: 100, spawnPerSecond: 1, holdSeconds: 30 },
      { users: 400, spawnPerSecond: 20, holdSeconds: 30 },
    ],
    quick: [
      { users: 30, spawnPerSecond: 3, holdSeconds: 10 },
      { users: 60, spawnPerSecond: 6, holdSeconds: 10 },
    ],
    // Long enough for a cold first loop (register hashes with production settings) on a busy CI machine.
    smoke: [{ users: 3, spawnPerSecond: 3, holdSeconds: 5 }],
  });
}

/** The demo catalogue, straight into inventory's database, every product with STOCK units. */
async function seedProducts(agora: AgoraUnderTest): Promise<void> {
  const db = createDb({ connectionString: agora.databaseUrl('inventory'), maxConnections: 1 });
  try {
    await createProductStore(db).insertProducts(DEMO_PRODUCTS.map((product) => ({ ...product, stock: STOCK })));
    await db.execute('UPDATE products SET stock = $1', [STOCK]);
  } finally {
    await db.close();
  }
}

/**
 * Waits (up to a minute) until no order is PENDING: a checkout the gateway gave up on goes on
 * in the orders service, and the recovery loop finishes what was interrupted.
 */
async function waitForSettledOrders(agora: AgoraUnderTest): Promise<number> {
  const orders = createDb({ connectionString: agora.databaseUrl('orders'), maxConnections: 1 });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await orders.queryOne<{ pending: number }>(
        "SELECT count(*)::int AS pending FROM orders WHERE status = 'PENDING'",
      );
      if (row?.pending === 0 || Date.now() > deadline) return row?.pending ?? 0;
      await sleep(500);
    }
  } finally {
    await orders.close();
  }
}

/** How the orders of the given idempotency keys ended, by status. */
async function orderStatuses(agora: AgoraUnderTest, keys: readonly string[]): Promise<Map<string, number>> {
  const orders = createDb({ connectionString: agora.databaseUrl('orders'), maxConnections: 1 });
  try {
    const rows = await orders.query<{ status: string; count: number }>(
      'SELECT status, count(*)::int AS count FROM orders WHERE idempotency_key = ANY($1::text[]) GROUP BY status',
      [keys],
    );
    return new Map(rows.map((row) => [row.status, row.count]));
  } finally {
    await orders.close();
  }
}

async function takeSnapshot(agora: AgoraUnderTest): Promise<Snapshot> {
  const inventory = createDb({ connectionString: agora.databaseUrl('inventory'), maxConnections: 1 });
  const orders = createDb({ connectionString: agora.databaseUrl('orders'), maxConnections: 1 });
  const financial = createDb({ connectionString: agora.databaseUrl('financial'), maxConnections: 1 });
  try {
    const productRows = await inventory.query<{ id: string; price_amount: number; stock: number }>(
      'SELECT id, price_amount, stock FROM products',
    );
    const orderRows = await orders.query<{ status: string; count: string; total: string }>(
      'SELECT status, count(*) AS count, coalesce(sum(total_amount), 0) AS total FROM orders GROUP BY status',
    );
    const captured = await financial.queryOne<{ count: string; total: string }>(
      "SELECT count(*) AS count, coalesce(sum(amount), 0) AS total FROM payments WHERE status = 'CAPTURED'",
    );
    return {
      products: new Map(productRows.map((row) => [row.id, { price: row.price_amount, stock: row.stock }])),
      orders: new Map(orderRows.map((row) => [row.status, { count: Number(row.count), total: Number(row.total) }])),
      captured: { count: Number(captured?.count ?? 0), total: Number(captured?.total ?? 0) },
    };
  } finally {
    await Promise.all([inventory.close(), orders.close(), financial.close()]);
  }
}

/** The `data` of a GraphQL POST; throws (failing the step) on any other answer. */
async function ask(
  pool: Pool,
  path: string,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await pool.request({
    method: 'POST',
    path,
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.body.text();
  const data = dataOfAnswer(response.statusCode, body);
  if (data === undefined) throw new Error(`HTTP ${response.statusCode}: ${body.slice(0, 300).trim()}`);
  return data;
}

/** The mutation's outcome when it is the expected member of its result union; throws otherwise. */
function expectOutcome<T>(data: Record<string, unknown>, field: string, typename: string): T {
  const outcome = data[field] as { __typename?: string; message?: string } | undefined;
  if (outcome?.__typename !== typename) {
    const why = outcome?.message === undefined ? '' : ` (${outcome.message})`;
    throw new Error(`${field}: expected ${typename}, got ${outcome?.__typename ?? 'nothing'}${why}`);
  }
  return outcome as T;
}

/**
 * One shopper's visit: a new account each time, so no per-user limit is ever reached. The key
 * of every checkout not answered PAID goes to `unpaidKeys`, to find out later how it ended.
 */
function shopperLoop(path: string, unpaidKeys: string[]) {
  return async ({ pool, step }: VirtualUser): Promise<void> => {
    const { token } = await step('register', async () => {
      const input = { email: `shopper-${randomUUID()}@bench.example`, password: 'bench-password-1', name: 'Shopper' };
      return expectOutcome<{ token: string }>(
        await ask(pool, path, undefined, REGISTER, { input }),
        'register',
        'AuthPayload',
      );
    });
    await step('deposit', async () => {
      const data = await ask(pool, path, token, DEPOSIT, { amount: DEPOSIT_AMOUNT });
      const { balance } = expectOutcome<{ balance: { amount: number } }>(data, 'deposit', 'Account');
      if (balance.amount !== DEPOSIT_AMOUNT)
        throw new Error(`deposit: balance ${balance.amount}, not ${DEPOSIT_AMOUNT}`);
    });
    const products = await step('products', async () => {
      const data = await ask(pool, path, token, PRODUCTS, {});
      const nodes = (data['products'] as { nodes?: ProductNode[] } | undefined)?.nodes ?? [];
      if (nodes.length !== DEMO_PRODUCTS.length) throw new Error(`products: ${nodes.length} products, not 20`);
      return nodes;
    });
    const product = products[Math.floor(Math.random() * products.length)] as ProductNode;
    await step('addItem', async () => {
      const data = await ask(pool, path, token, ADD_ITEM, { productId: product.id });
      const cart = expectOutcome<{ itemCount: number }>(data, 'addItem', 'Cart');
      if (cart.itemCount !== 1) throw new Error(`addItem: ${cart.itemCount} items in the cart, not 1`);
    });
    const key = randomUUID();
    await step('checkout', async () => {
      try {
        const data = await ask(pool, path, token, CHECKOUT, { key });
        const order = expectOutcome<{ status: string; total: { amount: number } }>(data, 'checkout', 'Order');
        if (order.status !== 'PAID' || order.total.amount !== product.price.amount) {
          throw new Error(
            `checkout: order ${order.status} for ${order.total.amount}, not PAID for ${product.price.amount}`,
          );
        }
      } catch (error) {
        unpaidKeys.push(key);
        throw error;
      }
    });
  };
}

interface Window {
  label: string;
  from: number;
  to: number;
  /** What the rate is per: the window, or the schedule for the whole run. */
  seconds: number;
}

/**
 * Steady state of each phase (its hold, after the last user was spawned), then the whole run,
 * which also counts the steps that were in flight when the schedule ended.
 */
function windows(phases: readonly PhaseWindow[]): Window[] {
  return [
    ...phases.map((phase) => ({
      label: `${phase.users} users (${phase.holdSeconds} s hold)`,
      from: phase.fullAt,
      to: phase.endedAt,
      seconds: (phase.endedAt - phase.fullAt) / 1000,
    })),
    { label: 'whole run, ramps included', from: 0, to: Infinity, seconds: (phases.at(-1)?.endedAt ?? 0) / 1000 },
  ];
}

function stepRows(samples: readonly StepSample[], phases: readonly PhaseWindow[], steps: readonly Step[]): string[] {
  const rows: string[] = [];
  for (const step of steps) {
    for (const window of windows(phases)) {
      const s = summarize(
        samples.filter((sample) => sample.step === step && sample.at >= window.from && sample.at < window.to),
      );
      rows.push(
        `| ${step} | ${window.label} | ${s.requests} | ${s.failed} | ${((s.requests - s.failed) / window.seconds).toFixed(1)} | ${s.p50.toFixed(0)} | ${s.p95.toFixed(0)} | ${s.p99.toFixed(0)} | ${s.max.toFixed(0)} |`,
      );
    }
  }
  return [
    '| step | while | steps | failed | succeeded/s | p50 ms | p95 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ];
}

/** CPU readings at each hold's edges and at the run's, to divide by the steps ended in between. */
interface CpuEdges {
  start?: CpuSnapshot;
  end?: CpuSnapshot;
  holds: Map<number, { full?: CpuSnapshot; ended?: CpuSnapshot }>;
}

/** Each window's CPU per step that ended in it, as the step tables count them. */
function cpuReadings(
  groups: readonly ProcessGroup[],
  edges: CpuEdges,
  samples: readonly StepSample[],
  phases: readonly PhaseWindow[],
): { window: Window; cpu: CpuPerOperation }[] {
  const readings: { window: Window; cpu: CpuPerOperation }[] = [];
  for (const [index, window] of windows(phases).entries()) {
    const hold = edges.holds.get(index);
    const [from, to] = index < phases.length ? [hold?.full, hold?.ended] : [edges.start, edges.end];
    if (from === undefined || to === undefined) continue;
    const steps = samples.filter((s) => s.at >= window.from && s.at < window.to).length;
    readings.push({ window, cpu: cpuPerOperation(groups, from, to, steps) });
  }
  return readings;
}

/** Samples grouped by a numeric key, in key order. */
function groupBy(samples: readonly StepSample[], key: (sample: StepSample) => number): [number, StepSample[]][] {
  const groups = new Map<number, StepSample[]>();
  for (const sample of samples) {
    const k = key(sample);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [sample]);
    else group.push(sample);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b);
}

const p95 = (samples: readonly StepSample[]) =>
  percentile(
    samples.map((s) => s.ms),
    0.95,
  );

function charts(samples: readonly StepSample[], context: BenchContext, maxUsers: number): ScenarioReport['charts'] {
  const bucketSeconds = byScale(context.scale, { full: 5, quick: 2, smoke: 1 });
  const usersPerBucket = Math.max(1, Math.round(maxUsers / 20));
  const seriesPerStep = (points: (own: StepSample[]) => Series['points']): Series[] =>
    STEPS.map((step) => ({ name: step, points: points(samples.filter((s) => s.step === step)) }));
  const overTime = (own: StepSample[]) => groupBy(own, (s) => Math.floor(s.at / 1000 / bucketSeconds));
  return [
    {
      name: 'shop-p95-over-time',
      title: 'Shop: p95 response time per step over time',
      svg: lineChart({
        title: `Shop: p95 response time per step (${bucketSeconds} s buckets)`,
        xLabel: 'seconds since start',
        yLabel: 'ms',
        series: seriesPerStep((own) =>
          overTime(own).map(([bucket, group]) => ({ x: (bucket + 1) * bucketSeconds, y: p95(group) })),
        ),
      }),
    },
    {
      name: 'shop-throughput-over-time',
      title: 'Shop: steps per second over time',
      svg: lineChart({
        title: `Shop: successful steps per second (${bucketSeconds} s buckets)`,
        xLabel: 'seconds since start',
        yLabel: 'steps/s',
        series: seriesPerStep((own) =>
          overTime(own).map(([bucket, group]) => ({
            x: (bucket + 1) * bucketSeconds,
            y: group.filter((s) => s.ok).length / bucketSeconds,
          })),
        ),
      }),
    },
    {
      name: 'shop-p95-over-users',
      title: 'Shop: p95 response time per step over active users',
      svg: lineChart({
        title: 'Shop: p95 response time over virtual users',
        xLabel: 'virtual users',
        yLabel: 'ms',
        series: seriesPerStep((own) =>
          groupBy(own, (s) => Math.ceil(s.activeUsers / usersPerBucket)).map(([bucket, group]) => ({
            x: bucket * usersPerBucket,
            y: p95(group),
          })),
        ),
      }),
    },
    {
      name: 'shop-users-over-time',
      title: 'Shop: virtual users over time',
      svg: lineChart({
        title: 'Shop: virtual users',
        xLabel: 'seconds since start',
        yLabel: 'users',
        series: [
          {
            name: 'virtual users',
            points: groupBy(samples, (s) => Math.floor(s.at / 1000)).map(([second, group]) => ({
              x: second + 1,
              y: Math.max(...group.map((s) => s.activeUsers)),
            })),
          },
        ],
      }),
    },
  ];
}

/** What the databases recorded during the run, against what the shoppers were told. */
function consistencyChecks(
  before: Snapshot,
  after: Snapshot,
  paidCheckouts: number,
  unpaidEnded: ReadonlyMap<string, number>,
  stillPending: number,
): Check[] {
  let units = 0;
  let value = 0;
  for (const [id, now] of after.products) {
    const taken = (before.products.get(id)?.stock ?? now.stock) - now.stock;
    units += taken;
    value += taken * now.price;
  }
  const added = (status: string) => (after.orders.get(status)?.count ?? 0) - (before.orders.get(status)?.count ?? 0);
  const paid = added('PAID');
  const paidTotal = (after.orders.get('PAID')?.total ?? 0) - (before.orders.get('PAID')?.total ?? 0);
  const others = [...after.orders.keys()].filter((status) => status !== 'PAID' && added(status) !== 0);
  const paidAnyway = unpaidEnded.get('PAID') ?? 0;
  // An interrupted checkout the recovery loop undid: nothing charged, stock given back.
  const abandoned = unpaidEnded.get('ABANDONED') ?? 0;
  const charged = after.captured.count - before.captured.count;
  const chargedTotal = after.captured.total - before.captured.total;
  const otherList = others.map((status) => `${added(status)} ${status}`).join(', ') || 'none';
  return [
    {
      what: `shop: PAID orders in the orders database (${paid}) = checkouts answered PAID (${paidCheckouts}) + unanswered checkouts that ended PAID (${paidAnyway}); other orders: ${otherList}, of which ABANDONED by unanswered checkouts: ${abandoned}; still PENDING: ${stillPending}`,
      ok:
        paid === paidCheckouts + paidAnyway &&
        others.every((status) => status === 'ABANDONED') &&
        added('ABANDONED') === abandoned &&
        stillPending === 0,
    },
    {
      what: `shop: units taken from stock (${units}) = PAID orders of 1 unit (${paid})`,
      ok: units === paid,
    },
    {
      what: `shop: payments captured (${charged}, ${chargedTotal}) = PAID orders (${paid}, ${paidTotal}) = stock taken × price (${value})`,
      ok: charged === paid && chargedTotal === paidTotal && paidTotal === value,
    },
  ];
}

export const shopLoop: Scenario = {
  name: 'shop',
  describe: '(a) the shop under Locust-style virtual users: register → deposit → products → addItem → checkout',
  async run(context) {
    const phases = schedule(context);
    const maxUsers = Math.max(...phases.map((phase) => phase.users));
    context.log(`shop: seeding ${DEMO_PRODUCTS.length} products with ${STOCK} units each`);
    await seedProducts(context.agora);
    const before = await takeSnapshot(context.agora);

    const unpaidKeys: string[] = [];
    const gateway = await startGateway('agora', context.agora);
    const url = new URL(gateway.url);
    const groups = benchProcessGroups({
      gatewayPid: gateway.pid,
      subgraphsPid: () => context.agora.processId,
      databasePrefix: context.agora.databasePrefix,
    });
    const edges: CpuEdges = { holds: new Map() };
    const run = await (async () => {
      edges.start = takeCpuSnapshot(groups);
      const result = await runVirtualUsers({
        origin: url.origin,
        schedule: phases,
        loop: shopperLoop(url.pathname, unpaidKeys),
        thinkTimeMs: THINK_TIME_MS,
        onProgress: ({ elapsedSeconds, activeUsers, steps, failed }) =>
          context.progress(`shop · ${elapsedSeconds} s · ${activeUsers} users · ${steps} steps, ${failed} failed`),
        onHoldEdge: (index, edge) => {
          const hold = edges.holds.get(index) ?? {};
          hold[edge] = takeCpuSnapshot(groups);
          edges.holds.set(index, hold);
        },
      });
      edges.end = takeCpuSnapshot(groups);
      return result;
    })().finally(() => gateway.stop());
    const { samples } = run;
    const stillPending = await waitForSettledOrders(context.agora);
    const after = await takeSnapshot(context.agora);
    const unpaidEnded = await orderStatuses(context.agora, unpaidKeys);

    for (const step of STEPS) {
      const s = summarize(samples.filter((sample) => sample.step === step));
      context.log(
        `  ${step}: ${s.requests} steps, ${s.failed} failed, p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms`,
      );
    }
    const failed = samples.filter((s) => !s.ok).length;
    const checkouts = samples.filter((s) => s.step === 'checkout');
    const paidCheckouts = checkouts.filter((s) => s.ok).length;

    const checks: Check[] = [
      {
        what: `shop: no step failed (${failed} of ${samples.length} failed)`,
        ok: failed === 0 && samples.length > 0,
      },
      {
        what: `shop: every checkout answered a PAID order (${paidCheckouts} of ${checkouts.length})`,
        ok: checkouts.length > 0 && paidCheckouts === checkouts.length,
      },
      ...consistencyChecks(before, after, paidCheckouts, unpaidEnded, stillPending),
    ];
    const whyFailed = [...run.firstErrors].map(([step, message]) => `- first failure of ${step}: ${message}`);
    if (unpaidKeys.length > 0) {
      const ended = [...unpaidEnded].map(([status, count]) => `${count} ${status}`).join(', ') || 'no order at all';
      whyFailed.push(
        `- the ${unpaidKeys.length} checkouts not answered PAID ended as: ${ended} (the orders service goes on with a checkout the gateway gave up on; asking again with the same key tells the shopper how it ended)`,
      );
    }
    const cpu = cpuReadings(groups, edges, samples, run.phases);
    const plan = phases
      .map((phase) => `${phase.users} users (spawned ${phase.spawnPerSecond}/s, then held ${phase.holdSeconds} s)`)
      .join(', then ');
    return {
      title: 'Shop under virtual users (Locust-style)',
      markdown: [
        `Virtual users through the ${GATEWAY_LABELS.agora}, each looping as a new shopper: register (a new email) → deposit ${DEPOSIT_AMOUNT} → \`products(first: 20)\` → addItem (a random product, 1 unit) → checkout (a new idempotency key). ${plan}; users are only added. No think time between loops: each user starts its next loop as soon as the last ends. A step passes only with the expected typed outcome (AuthPayload, Account, 20 products, a Cart of 1, an Order PAID for the product's price); a failed step ends that loop. Products were seeded with ${STOCK.toLocaleString('en')} units each, so stock never runs out. Keep-alive connections (up to one per user), load generator on the same machine.`,
        '',
        '### Password hashing: register',
        '',
        'register hashes the password with argon2id (OWASP minimum: 19 MiB, 2 passes): deliberately slow and CPU-bound, so it is shown on its own. Every loop registers once, so the hashing also takes CPU from the steps that follow (the subgraphs share one process).',
        '',
        ...stepRows(samples, run.phases, ['register']),
        '',
        '### The shop steps',
        '',
        ...stepRows(samples, run.phases, ['deposit', 'products', 'addItem', 'checkout']),
        ...(whyFailed.length === 0 ? [] : ['', ...whyFailed]),
        '',
        '### CPU per step, per process',
        '',
        `${cpuMethod('step', "each window (a hold's edges; for the whole run, its start and its end, which counts the steps in flight when the schedule ended)")} A step is one GraphQL request of any of the five kinds (register's hashing included), five to a shopper's loop. Only Agora's gateway runs this scenario, so there is no ceiling here (Grafbase is set beside it in top-50 and signing).`,
        '',
        ...cpuTable(
          ['while', 'steps/s'],
          cpu.map(({ window, cpu: reading }) => ({
            cells: [window.label, (reading.operations / window.seconds).toFixed(1)],
            cpu: reading,
          })),
        ),
      ],
      charts: charts(samples, context, maxUsers),
      checks,
      cpu: cpu.map(({ window, cpu: reading }): CpuReading => ({ row: window.label, servedBy: 'agora', cpu: reading })),
      unavailable: [],
    };
  },
};
