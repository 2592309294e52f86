// Metrics, traces and request ids, as an operator sees them after one checkout.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createMemorySpanExporter, startTracing } from '@agora/service';
import { dataOf } from '@agora/testkit';
import { openPetition, registerUser, startTestAgora, type TestAgora } from '../testAgora.js';
import { addProduct, openDatabases, shopper, type Databases } from './checkoutHelpers.js';

// Before anything starts: every span of this file's services lands here.
const spans = createMemorySpanExporter();
const tracing = startTracing({ serviceName: 'agora-test', exporter: spans });

const DASHBOARD_PATH = fileURLToPath(new URL('../../../deploy/grafana/agora-dashboard.json', import.meta.url));

const CHECKOUT = `mutation Checkout($key: String!) { checkout(idempotencyKey: $key) { __typename ... on Order { status } } }`;

/** One sample's value from Prometheus' text format, or undefined when it is not there. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

describe('observability', () => {
  let agora: TestAgora;
  let dbs: Databases;
  const metricsOf = (subgraph: 'orders' | 'signatures') =>
    agora.subgraphUrls[subgraph].replace(/\/graphql$/, '/metrics');

  beforeAll(async () => {
    agora = await startTestAgora();
    dbs = openDatabases(agora);
  });

  afterAll(async () => {
    await dbs.close();
    await agora.stop();
    await tracing.shutdown();
  });

  it('should move the gateway and orders metrics when a checkout is paid', async () => {
    const productId = await addProduct(dbs, 5, 1_000);
    const buyer = await shopper(agora, 5_000, [{ productId, quantity: 2 }]);
    const gatewayBefore = await scrape(agora.gatewayMetricsUrl as string);
    // Checkout is in the test's METRICS_OPERATION_NAMES: it is counted by name.
    const mutation = { operation_type: 'mutation', operation_name: 'Checkout' };
    const okBefore = sample(gatewayBefore, 'agora_graphql_operations_total', { ...mutation, outcome: 'ok' }) ?? 0;
    const timedBefore = sample(gatewayBefore, 'agora_graphql_operation_duration_seconds_count', mutation) ?? 0;
    const ordersFetchesBefore =
      sample(gatewayBefore, 'agora_subgraph_fetch_duration_seconds_count', { subgraph: 'orders', outcome: 'ok' }) ?? 0;

    const answer = dataOf(
      await agora.request<{ checkout: { status: string } }>(CHECKOUT, { key: 'metrics-1' }, buyer.token),
    );
    expect(answer.checkout.status).toBe('PAID');

    const gateway = await scrape(agora.gatewayMetricsUrl as string);
    expect(sample(gateway, 'agora_graphql_operations_total', { ...mutation, outcome: 'ok' })).toBe(okBefore + 1);
    expect(sample(gateway, 'agora_graphql_operation_duration_seconds_count', mutation)).toBe(timedBefore + 1);
    expect(sample(gateway, 'agora_subgraph_fetch_duration_seconds_count', { subgraph: 'orders', outcome: 'ok' })).toBe(
      ordersFetchesBefore + 1,
    );
    expect(sample(gateway, 'agora_subscriptions_active', {})).toBe(0);

    // A name nobody listed is counted as `other`: clients cannot grow the label set.
    const otherBefore =
      sample(gateway, 'agora_graphql_operations_total', {
        operation_type: 'query',
        operation_name: 'other',
        outcome: 'ok',
      }) ?? 0;
    dataOf(await agora.request('query Junk42 { __typename }'));
    const afterJunk = await scrape(agora.gatewayMetricsUrl as string);
    expect(afterJunk).not.toContain('Junk42');
    expect(
      sample(afterJunk, 'agora_graphql_operations_total', {
        operation_type: 'query',
        operation_name: 'other',
        outcome: 'ok',
      }),
    ).toBe(otherBefore + 1);

    const orders = await scrape(metricsOf('orders'));
    expect(sample(orders, 'agora_checkout_outcomes_total', { outcome: 'order' })).toBe(1);
    expect(sample(orders, 'agora_db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(sample(orders, 'agora_db_pool_connections', { state: 'idle' })).toBeGreaterThan(0);
    expect(
      sample(orders, 'agora_graphql_operations_total', { operation_type: 'mutation', outcome: 'ok' }),
    ).toBeGreaterThan(0);
  });

  it('should count the group commits of signatures and their sizes', async () => {
    const organiser = await registerUser(agora, 'Organiser');
    const petitionId = await openPetition(agora, organiser.token, 'Measured');
    const before = await scrape(metricsOf('signatures'));
    const commitsBefore = sample(before, 'agora_signature_batch_size_count', {}) ?? 0;
    const signedBefore = sample(before, 'agora_signature_batch_size_sum', {}) ?? 0;
    const sign = `mutation ($id: ID!) { signPetition(petitionId: $id) { __typename } }`;
    await Promise.all(
      [1, 2, 3].map(async () => dataOf(await agora.request(sign, { id: petitionId }, await agora.mintToken()))),
    );
    const after = await scrape(metricsOf('signatures'));
    const commits = (sample(after, 'agora_signature_batch_size_count', {}) ?? 0) - commitsBefore;
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThanOrEqual(3);
    expect((sample(after, 'agora_signature_batch_size_sum', {}) ?? 0) - signedBefore).toBe(3);
  });

  it('should have every metric the Grafana dashboard charts', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD_PATH, 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const charted = new Set(
      dashboard.panels.flatMap((panel) =>
        panel.targets.flatMap((target) =>
          [...target.expr.matchAll(/\bagora_[a-z0-9_]+/g)].map(([name]) => name.replace(/_(bucket|count|sum)$/, '')),
        ),
      ),
    );
    const scraped = [
      await scrape(agora.gatewayMetricsUrl as string),
      ...(['orders', 'signatures'] as const).map((name) => scrape(metricsOf(name))),
    ];
    const exported = new Set(
      (await Promise.all(scraped)).flatMap((text) => [...text.matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name)),
    );
    expect(charted.size).toBeGreaterThanOrEqual(10);
    expect([...charted].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('should follow one checkout from the gateway through every subgraph it touches, in one trace', async () => {
    const productId = await addProduct(dbs, 5, 500);
    const buyer = await shopper(agora, 5_000, [{ productId, quantity: 1 }]);
    spans.reset();
    const traceId = randomBytes(16).toString('hex');
    const requestId = `trace-test-${traceId.slice(0, 8)}`;
    const response = await fetch(agora.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${buyer.token}`,
        // The client's own trace, continued by every service.
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
        'x-request-id': requestId,
      },
      body: JSON.stringify({ query: CHECKOUT, variables: { key: 'traced-1' } }),
    });
    expect(((await response.json()) as { data: { checkout: { status: string } } }).data.checkout.status).toBe('PAID');

    // The gateway, facing the public, starts its own trace and request id; the client's are kept
    // as a link and an attribute, so a client can neither silence tracing nor borrow an id.
    const ours = response.headers.get('x-request-id') as string;
    expect(ours).not.toBe(requestId);
    const all = spans.getFinishedSpans();
    const gatewaySpan = all.find(
      (span) => span.name === 'gateway POST /graphql' && span.links.some((link) => link.context.traceId === traceId),
    );
    expect(gatewaySpan?.attributes['agora.client_request_id']).toBe(requestId);
    expect(gatewaySpan?.attributes['graphql.operation.name']).toBe('Checkout');
    const traced = all.filter((span) => span.spanContext().traceId === gatewaySpan?.spanContext().traceId);
    expect(traced.some((span) => span.spanContext().traceId === traceId)).toBe(false);
    const servers = traced.filter((span) => span.name.endsWith('POST /graphql'));
    const services = new Set(servers.map((span) => span.name.split(' ')[0]));
    expect([...services].sort()).toEqual(['financial', 'gateway', 'inventory', 'orders', 'users']);
    // Every span's parent is in the trace too, the gateway's root aside: nothing is orphaned.
    const ids = new Set(traced.map((span) => span.spanContext().spanId));
    for (const span of traced) {
      if (span === gatewaySpan) continue;
      expect(ids.has(span.parentSpanContext?.spanId ?? '')).toBe(true);
    }
    // The gateway's request id went with the request to every subgraph.
    for (const span of servers) expect(span.attributes['agora.request_id']).toBe(ours);
  });
});
