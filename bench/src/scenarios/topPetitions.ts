// (b) The petition site's ApacheBench test: "top 50 open petitions" at 50 and 350 connections,
// through every gateway in the comparison, the subgraph directly (the floor), and with the
// counts read from PostgreSQL instead of Redis (the source's own comparison).
import { runClosedLoop, type HttpRequest } from '../load/closedLoop.js';
import { perSecond, summarize, type SecondBucket, type Summary } from '../load/samples.js';
import { ceilingNote, cpuMethod, cpuTable } from '../report/cpuTable.js';
import { inlineCode } from '../report/markdown.js';
import { lineChart } from '../report/svgChart.js';
import { largest } from '../stats.js';
import { benchProcessGroups, startCpuMeter, type CpuPerOperation } from '../system/cpu.js';
import { GATEWAY_LABELS, TAKES_PERSISTED_GET, startGateway, type GatewayKind } from '../system/gateways.js';
import { openPetitions, signBy } from './fixtures.js';
import { dataOfAnswer, persistedGetRequest, postRequest, registeringGetRequest } from './graphqlHttp.js';
import { byScale, type BenchContext, type Check, type Scale, type Scenario, type ScenarioReport } from './scenario.js';

const TOP_50 = 'query TopPetitions { mostSignedPetitions(first: 50) { id title signatureCount } }';
/** What the signatures subgraph can answer alone: the ranking and counts, no titles (those are petitions'). */
const TOP_50_DIRECT = '{ mostSignedPetitions(first: 50) { id signatureCount } }';
/**
 * The source's two levels, 50 and 350 connections. A smoke run (in npm test) only shows that
 * the scenario still runs end to end: at 350 a busy CI machine can let a request pass the
 * gateway's 5 s deadline, which would fail the check for a capacity fact, not a bug.
 */
function connectionLevels(scale: Scale): readonly number[] {
  return byScale(scale, { full: [50, 350], quick: [50, 350], smoke: [5, 20] });
}

/** The highest level measured (350 in a real run), which the charts and the comparison are about. */
function busiest(results: readonly Measured[]): number {
  return largest(results.map((r) => r.connections));
}

interface Target {
  label: string;
  origin: string;
  request: HttpRequest;
  servedBy: GatewayKind | 'subgraph';
  /** The gateway process answering, for its CPU; absent when the subgraph is called directly. */
  gatewayPid?: number;
}

interface Measured {
  label: string;
  servedBy: GatewayKind | 'subgraph';
  method: HttpRequest['method'];
  connections: number;
  summary: Summary;
  seconds: SecondBucket[];
  /** Over the measured load only (not the warm-up), per answered request. */
  cpu: CpuPerOperation;
  /** The first answer without 50 rows, to say why in the report. */
  firstFailure?: string;
}

/** A peer that could not serve the scenario, with its error. */
interface Unavailable {
  gateway: GatewayKind;
  why: string;
}

/** The Rust gateway, whose readings every gateway's are set beside: same request, same connections. */
const CEILING: GatewayKind = 'grafbase';

function unavailableBecause(unavailable: readonly Unavailable[], kind: GatewayKind): { unavailableBecause?: string } {
  const why = unavailable.find((u) => u.gateway === kind)?.why;
  return why === undefined ? {} : { unavailableBecause: why };
}

function fiftyRows(status: number, body: string): boolean {
  const rows = dataOfAnswer(status, body)?.['mostSignedPetitions'];
  return Array.isArray(rows) && rows.length === 50;
}

async function measure(context: BenchContext, target: Target, connections: number): Promise<Measured> {
  const seconds = byScale(context.scale, { full: 15, quick: 6, smoke: 1 });
  let firstFailure: string | undefined;
  const accept = (status: number, body: string) => {
    const ok = fiftyRows(status, body);
    if (!ok) firstFailure ??= `HTTP ${status}: ${body.slice(0, 300).trim()}`;
    return ok;
  };
  const load = (durationMs: number, maxRequests: number, phase: string) =>
    runClosedLoop({
      origin: target.origin,
      connections,
      durationMs,
      maxRequests,
      request: () => target.request,
      accept,
      onProgress: (answered, failed) =>
        context.progress(
          `top-50 · ${target.label} · ${connections} connections · ${phase} · ${answered} answered, ${failed} failed`,
        ),
    });
  // Warm-up: connections opened, query plans and JIT settled, as in a long-running service.
  await load(byScale(context.scale, { full: 3_000, quick: 2_000, smoke: 300 }), 1_000_000, 'warm-up');
  firstFailure = undefined;
  const cpuMeter = startCpuMeter(
    benchProcessGroups({
      ...(target.gatewayPid === undefined ? {} : { gatewayPid: target.gatewayPid }),
      subgraphsPid: () => context.agora.processId,
      databasePrefix: context.agora.databasePrefix,
    }),
  );
  const samples = await load(
    seconds * 1000,
    byScale(context.scale, { full: 1_000_000, quick: 200_000, smoke: 5_000 }),
    'measuring',
  );
  const cpu = cpuMeter.finish(samples.length);
  const summary = summarize(samples);
  context.log(
    `  ${target.label} @ ${connections}: ${summary.throughput.toFixed(0)} req/s, p50 ${summary.p50.toFixed(1)} ms, p99 ${summary.p99.toFixed(1)} ms, ${summary.failed} failed`,
  );
  return {
    label: target.label,
    servedBy: target.servedBy,
    method: target.request.method,
    connections,
    summary,
    seconds: perSecond(samples),
    cpu,
    ...(firstFailure === undefined ? {} : { firstFailure }),
  };
}

/** Top-50 through one gateway: POST (executed every time), and GET by hash where the gateway takes it. */
async function throughGateway(
  context: BenchContext,
  kind: GatewayKind,
  label = GATEWAY_LABELS[kind],
  postOnly = false,
): Promise<Measured[]> {
  const gateway = await startGateway(kind, context.agora);
  try {
    const url = new URL(gateway.url);
    const targets: Target[] = [
      {
        label: `${label}, POST`,
        origin: url.origin,
        request: postRequest(url.pathname, TOP_50),
        servedBy: kind,
        gatewayPid: gateway.pid,
      },
    ];
    if (TAKES_PERSISTED_GET[kind] && !postOnly) {
      const register = registeringGetRequest(url.pathname, TOP_50);
      await fetch(`${url.origin}${register.path}`, { headers: register.headers });
      targets.push({
        label: `${label}, GET + persisted query`,
        origin: url.origin,
        request: persistedGetRequest(url.pathname, TOP_50),
        servedBy: kind,
        gatewayPid: gateway.pid,
      });
    }
    const results: Measured[] = [];
    for (const target of targets)
      for (const connections of connectionLevels(context.scale))
        results.push(await measure(context, target, connections));
    return results;
  } finally {
    await gateway.stop();
  }
}

/**
 * A peer's rows, or why it could not serve: a peer that does not start (or dies) is reported
 * with its error rather than ending the run. Agora's own gateway failing still ends it.
 */
async function throughPeer(context: BenchContext, kind: GatewayKind): Promise<Measured[] | Unavailable> {
  try {
    return await throughGateway(context, kind);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    context.log(`  ${GATEWAY_LABELS[kind]} could not serve top-50: ${why}`);
    return { gateway: kind, why };
  }
}

async function direct(context: BenchContext): Promise<Measured[]> {
  const url = new URL(context.agora.subgraphUrls.signatures);
  const target: Target = {
    servedBy: 'subgraph',
    label: 'signatures subgraph directly (ids and counts only), POST',
    origin: url.origin,
    request: postRequest(url.pathname, TOP_50_DIRECT, undefined, {
      'x-agora-gateway-secret': context.agora.gatewaySecret,
    }),
  };
  const results: Measured[] = [];
  for (const connections of connectionLevels(context.scale)) results.push(await measure(context, target, connections));
  return results;
}

function table(results: readonly Measured[]): string[] {
  const most = busiest(results);
  const best = largest(results.filter((r) => r.connections === most).map((r) => r.summary.throughput));
  return [
    `| served by | connections | requests/s | × best at ${most} | p50 ms | p95 ms | p99 ms | max ms | failed |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      ({ label, connections, summary: s }) =>
        `| ${label} | ${connections} | ${s.throughput.toFixed(0)} | ${(s.throughput / best).toFixed(2)} | ${s.p50.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.max.toFixed(0)} | ${s.failed} |`,
    ),
  ];
}

/** The same rows, what each answered request cost each process, each gateway's beside the ceiling's on the same load. */
function cpuRows(results: readonly Measured[]): string[] {
  const ceilingOf = (r: Measured) =>
    r.servedBy === 'subgraph'
      ? undefined
      : results.find((c) => c.servedBy === CEILING && c.method === r.method && c.connections === r.connections)?.cpu;
  return cpuTable(
    ['served by', 'connections', 'requests/s'],
    results.map((r) => {
      const ceiling = ceilingOf(r);
      return {
        cells: [r.label, String(r.connections), r.summary.throughput.toFixed(0)],
        cpu: r.cpu,
        ...(ceiling === undefined ? {} : { ceiling }),
      };
    }),
    'Grafbase',
  );
}

function charts(results: readonly Measured[]): ScenarioReport['charts'] {
  const most = busiest(results);
  const atMost = results.filter((r) => r.connections === most);
  const labels = [...new Set(results.map((r) => r.label))];
  return [
    {
      name: 'top50-throughput-over-time',
      title: `Top 50 at ${most} connections: requests per second over time`,
      svg: lineChart({
        title: `Top 50 open petitions, ${most} connections: throughput`,
        xLabel: 'seconds since start',
        yLabel: 'requests/s',
        series: atMost.map((r) => ({
          name: r.label,
          points: r.seconds.map((b) => ({ x: b.second, y: b.throughput })),
        })),
      }),
    },
    {
      name: 'top50-p99-over-time',
      title: `Top 50 at ${most} connections: p99 response time over time`,
      svg: lineChart({
        title: `Top 50 open petitions, ${most} connections: p99 response time`,
        xLabel: 'seconds since start',
        yLabel: 'ms',
        series: atMost.map((r) => ({ name: r.label, points: r.seconds.map((b) => ({ x: b.second, y: b.p99 })) })),
      }),
    },
    {
      name: 'top50-throughput-over-connections',
      title: 'Top 50: throughput over concurrent connections',
      svg: lineChart({
        title: 'Top 50 open petitions: throughput over connections',
        xLabel: 'concurrent connections',
        yLabel: 'requests/s',
        series: labels.map((label) => ({
          name: label,
          points: results.filter((r) => r.label === label).map((r) => ({ x: r.connections, y: r.summary.throughput })),
        })),
      }),
    },
  ];
}

export const topPetitions: Scenario = {
  name: 'top50',
  describe: '(b) top 50 open petitions at 50 and 350 connections, side by side',
  async run(context) {
    const petitions = byScale(context.scale, { full: 200, quick: 100, smoke: 55 });
    context.log(`top-50: opening ${petitions} petitions and signing them unevenly`);
    const ids = await openPetitions(context.agora, petitions);
    // Uneven counts so the ranking has something to rank: 0 to 12 signatures each.
    for (const [index, id] of ids.entries()) await signBy(context.agora, id, index % 13);

    const results: Measured[] = [];
    const unavailable: Unavailable[] = [];
    for (const kind of context.peers) {
      const served = kind === 'agora' ? await throughGateway(context, kind) : await throughPeer(context, kind);
      if (Array.isArray(served)) results.push(...served);
      else unavailable.push(served);
    }
    results.push(...(await direct(context)));
    context.log('top-50: restarting the subgraphs with COUNTS_SOURCE=postgres');
    await context.agora.restart({ COUNTS_SOURCE: 'postgres' });
    try {
      // POST only: a GET would come from the gateway's cache, whatever the subgraphs read from.
      results.push(
        ...(await throughGateway(context, 'agora', `${GATEWAY_LABELS.agora}, counts from PostgreSQL`, true)),
      );
    } finally {
      await context.agora.restart({});
    }

    const checks: Check[] = results.map((r) => ({
      what: `top-50 through ${r.label} at ${r.connections}: every answer had 50 rows${r.firstFailure === undefined ? '' : ` (first that did not: ${r.firstFailure})`}`,
      ok: r.summary.failed === 0 && r.summary.requests > 0,
    }));
    const unavailableLines = unavailable.map(
      (u) => `- ${GATEWAY_LABELS[u.gateway]} could not serve top-50: ${inlineCode(u.why)}`,
    );
    return {
      title: 'Top 50 open petitions (ApacheBench-style)',
      markdown: [
        `\`${TOP_50}\` from ${petitions} open petitions, closed loop (each connection sends again as soon as it is answered, keep-alive), after a warm-up. Counts from Redis unless said. POST executes the operation every time; GET + persisted query sends only the query's hash, which Agora answers from its response cache (counts at most 1 s old) and stock Apollo executes. Hive Gateway, by default, merges identical in-flight subgraph requests (so a load of one repeated query reaches the subgraph far less often); Agora and stock Apollo do not. Grafbase is its CLI's \`grafbase dev\` (a Rust gateway, the one Grafbase ships on npm) on the graph it composes from the same subgraphs' schemas; like Hive, it reaches the subgraphs far less often than it is asked (see its subgraphs' CPU per request below), so it too merges or reuses identical subgraph requests with its defaults.`,
        '',
        ...table(results),
        ...(unavailableLines.length === 0 ? [] : ['', ...unavailableLines]),
        '',
        '### CPU per request, per process',
        '',
        cpuMethod('answered request'),
        '',
        ...cpuRows(results),
        '',
        ceilingNote({
          ceiling: GATEWAY_LABELS[CEILING],
          installed: context.peers.includes(CEILING),
          ...unavailableBecause(unavailable, CEILING),
          sameLoad:
            'the same request (POST) at the same connections (it takes no GET by hash with its defaults, so GET rows have none)',
        }),
        ...(results.some((r) => r.servedBy === CEILING)
          ? [
              `Like Hive's, its gateway passes on far fewer subgraph requests than it answers here, where Agora's and stock Apollo's pass on every one: beside them, the ratio also holds that work, not only the gateway's own code.`,
            ]
          : []),
      ],
      charts: charts(results),
      checks,
      cpu: results.map((r) => ({ row: `${r.label} @ ${r.connections}`, servedBy: r.servedBy, cpu: r.cpu })),
      unavailable,
    };
  },
};
