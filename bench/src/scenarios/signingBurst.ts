// (c) A signing burst: N signatures on one petition from N distinct users, as fast as the
// system takes them, side by side through Agora's gateway (as shipped, without and with
// watchers), every peer gateway in the comparison, and, for the floor, straight to the
// signatures subgraph; every count checked exact afterwards, and each burst's CPU per
// signature per process.
// (d) Live counts during one of Agora's bursts: W graphql-ws watchers on its petition, timed
// from each sampled answer until every watcher saw that count.
import { randomUUID } from 'node:crypto';
import { createDb, type Db } from '@agora/db';
import { INTERNAL_HEADERS } from '@agora/service';
import { postGraphQL } from '@agora/testkit';
import { runClosedLoop, type HttpRequest } from '../load/closedLoop.js';
import { perSecond, summarize, type SecondBucket, type Summary } from '../load/samples.js';
import { ceilingNote, cpuMethod, cpuTable } from '../report/cpuTable.js';
import { inlineCode } from '../report/markdown.js';
import { lineChart } from '../report/svgChart.js';
import { largest, percentile, sleep } from '../stats.js';
import { benchProcessGroups, startCpuMeter, type CpuPerOperation } from '../system/cpu.js';
import { GATEWAY_LABELS, startGateway, type GatewayKind } from '../system/gateways.js';
import { Watcher } from '../watcher.js';
import { openPetitions } from './fixtures.js';
import { postRequest } from './graphqlHttp.js';
import {
  byScale,
  type BenchContext,
  type Check,
  type CpuReading,
  type Scenario,
  type ScenarioReport,
} from './scenario.js';

const SIGN =
  'mutation Sign($id: ID!) { signPetition(petitionId: $id) { __typename ... on Signature { signatureCount } } }';
const COUNTS =
  'query Counts($id: ID!) { petition(id: $id) { signatureCount } mostSignedPetitions(first: 50) { id signatureCount } }';
/** Watchers are opened this many at a time, each batch pushed its first count before the next. */
const WATCHER_BATCH = 100;
const CONVERGENCE_MS = 30_000;
/** The Rust gateway, whose CPU per signature every gateway's is set beside. */
const CEILING: GatewayKind = 'grafbase';

interface Answer {
  count: number;
  /** performance.now() when the load generator had the answer. */
  at: number;
}

interface Burst {
  label: string;
  servedBy: GatewayKind | 'subgraph';
  petitionId: string;
  users: number;
  connections: number;
  summary: Summary;
  seconds: SecondBucket[];
  /** Answers by outcome: the __typename, the error code, the HTTP status, or no answer at all. */
  outcomes: Map<string, number>;
  /** The count of every accepted signature's answer. */
  counts: number[];
  /** Every `sampleEvery`-th accepted answer, for the watchers' delivery delay. */
  sampled: Answer[];
  /** performance.now() just before the first request and at the last answer. */
  began: number;
  lastAnswer: number;
  /** The first answer that was not a Signature, to say why in the report. */
  firstRefusal?: string;
}

/** A burst with what it cost each process, and its petition's counts afterwards. */
interface MeasuredBurst extends Burst {
  cpu: CpuPerOperation;
}

/** Where a burst goes, and how its requests say who is signing. */
interface BurstTarget {
  label: string;
  servedBy: GatewayKind | 'subgraph';
  url: string;
  /** The gateway's process, for its CPU; absent when the subgraph is called directly. */
  gatewayPid?: number;
  /** One request per user, each a different user. */
  requests(petitionId: string, users: number, phase: string): Promise<HttpRequest[]>;
}

interface FinalCounts {
  rows: number;
  counter: number | undefined;
  viaPetition: number | undefined;
  viaRanking: number | undefined;
}

interface WatcherResults {
  watchers: number;
  openedInMs: number;
  /** Answer → watcher first saw at least its count, for every sampled answer and watcher. */
  delays: { second: number; ms: number }[];
  undelivered: number;
  sampledAnswers: number;
  exact: boolean;
  monotonic: boolean;
  pushesPerWatcher: number;
  /** Last answer → the last watcher had the final count; undefined when some never did. */
  convergedInMs: number | undefined;
}

interface Parsed {
  outcome: string;
  count?: number;
}

/** What a signPetition answer was: its __typename (and count), its first error's code, or its status. */
function classify(status: number, body: string): Parsed {
  try {
    const parsed = JSON.parse(body) as {
      data?: { signPetition?: { __typename?: string; signatureCount?: number } | null } | null;
      errors?: { extensions?: { code?: unknown } }[];
    };
    const error = parsed.errors?.[0];
    if (error !== undefined) return { outcome: `error ${String(error.extensions?.code ?? 'without a code')}` };
    const result = parsed.data?.signPetition;
    if (result?.__typename === undefined) return { outcome: `HTTP ${status}` };
    return result.signatureCount === undefined
      ? { outcome: result.__typename }
      : { outcome: result.__typename, count: result.signatureCount };
  } catch {
    return { outcome: `HTTP ${status}` };
  }
}

async function mintTokens(context: BenchContext, count: number, phase: string): Promise<string[]> {
  const tokens: string[] = [];
  while (tokens.length < count) {
    const batch = Math.min(500, count - tokens.length);
    tokens.push(...(await Promise.all(Array.from({ length: batch }, () => context.agora.mintToken(randomUUID())))));
    context.progress(`signing · ${phase} · minted ${tokens.length}/${count} tokens`);
  }
  return tokens;
}

/** Requests through Agora's gateway: one fresh user (a session token) each, verified by the gateway. */
async function tokenRequests(
  context: BenchContext,
  gatewayUrl: string,
  petitionId: string,
  users: number,
  phase: string,
): Promise<HttpRequest[]> {
  const path = new URL(gatewayUrl).pathname;
  const tokens = await mintTokens(context, users, phase);
  return tokens.map((token) => postRequest(path, SIGN, { id: petitionId }, { authorization: `Bearer ${token}` }));
}

/**
 * Requests carrying the identity headers Agora's gateway derives from a verified token (a fresh
 * user and session each), plus `extra`: the gateway secret when they go straight to the
 * subgraph. The peers verify no token of Agora's, so they get these and pass them on.
 */
function identityRequests(
  url: string,
  petitionId: string,
  users: number,
  extra: Record<string, string> = {},
): HttpRequest[] {
  const path = new URL(url).pathname;
  return Array.from({ length: users }, () =>
    postRequest(
      path,
      SIGN,
      { id: petitionId },
      { ...extra, [INTERNAL_HEADERS.userId]: randomUUID(), [INTERNAL_HEADERS.sessionId]: randomUUID() },
    ),
  );
}

/** Sends request n as user n, each exactly once, closed loop; accepted = a Signature answer. */
async function burst(
  context: BenchContext,
  options: {
    label: string;
    servedBy: GatewayKind | 'subgraph';
    url: string;
    petitionId: string;
    requests: readonly HttpRequest[];
    connections: number;
    sampleEvery: number;
  },
): Promise<Burst> {
  const users = options.requests.length;
  const outcomes = new Map<string, number>();
  const counts: number[] = [];
  const sampled: Answer[] = [];
  let lastAnswer = 0;
  let firstRefusal: string | undefined;
  const began = performance.now();
  const samples = await runClosedLoop({
    origin: new URL(options.url).origin,
    connections: options.connections,
    durationMs: byScale(context.scale, { full: 120_000, quick: 60_000, smoke: 30_000 }),
    maxRequests: users,
    request: (n) => {
      const request = options.requests[n];
      if (request === undefined) throw new Error(`No user ${n} of ${users}`);
      return request;
    },
    accept: (status, body) => {
      const at = performance.now();
      lastAnswer = Math.max(lastAnswer, at);
      const { outcome, count } = classify(status, body);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (outcome !== 'Signature' || count === undefined) {
        firstRefusal ??= `HTTP ${status}: ${body.slice(0, 300).trim()}`;
        return false;
      }
      counts.push(count);
      if (counts.length % options.sampleEvery === 0) sampled.push({ count, at });
      return true;
    },
    onProgress: (answered, failed) =>
      context.progress(`signing · ${options.label} · ${answered}/${users} answered, ${failed} not accepted`),
  });
  const unanswered = samples.length - [...outcomes.values()].reduce((sum, n) => sum + n, 0);
  if (unanswered > 0) outcomes.set('no answer (connection error or timeout)', unanswered);
  const notSent = users - samples.length;
  if (notSent > 0) outcomes.set('not sent (time budget ran out)', notSent);
  const summary = summarize(samples);
  context.log(
    `  ${options.label}: ${summary.throughput.toFixed(0)} accepted/s, p50 ${summary.p50.toFixed(1)} ms, p99 ${summary.p99.toFixed(1)} ms, ${outcomesText(outcomes)}`,
  );
  return {
    label: options.label,
    servedBy: options.servedBy,
    petitionId: options.petitionId,
    users,
    connections: options.connections,
    summary,
    seconds: perSecond(samples),
    outcomes,
    counts,
    sampled,
    began,
    lastAnswer,
    ...(firstRefusal === undefined ? {} : { firstRefusal }),
  };
}

function outcomesText(outcomes: ReadonlyMap<string, number>): string {
  return [...outcomes].map(([outcome, n]) => `${outcome} ${n}`).join(', ');
}

/** Signatures rows and the counter in PostgreSQL. */
async function countsInPostgres(db: Db, petitionId: string): Promise<{ rows: number; counter: number | undefined }> {
  const rows = await db.queryOne<{ count: number }>(
    'SELECT count(*)::int AS count FROM signatures WHERE petition_id = $1',
    [petitionId],
  );
  const counter = await db.queryOne<{ count: number }>('SELECT count FROM signature_counts WHERE petition_id = $1', [
    petitionId,
  ]);
  return { rows: rows?.count ?? 0, counter: counter?.count };
}

/** What the gateway answers for the petition's count, alone and in the ranking. */
async function countsThroughGateway(
  gatewayUrl: string,
  petitionId: string,
): Promise<{ viaPetition: number | undefined; viaRanking: number | undefined }> {
  const answer = await postGraphQL<{
    petition: { signatureCount: number } | null;
    mostSignedPetitions: { id: string; signatureCount: number }[];
  }>(gatewayUrl, COUNTS, { variables: { id: petitionId } });
  return {
    viaPetition: answer.data?.petition?.signatureCount,
    viaRanking: answer.data?.mostSignedPetitions.find((row) => row.id === petitionId)?.signatureCount,
  };
}

/**
 * The counts once the burst is over. The gateway reads Redis, which hears of each commit right
 * after it (not awaited by signing): asked again for up to 10 s until it agrees with PostgreSQL.
 */
async function finalCounts(db: Db, gatewayUrl: string, petitionId: string): Promise<FinalCounts> {
  const stored = await countsInPostgres(db, petitionId);
  const deadline = performance.now() + 10_000;
  let read = await countsThroughGateway(gatewayUrl, petitionId);
  while ((read.viaPetition !== stored.rows || read.viaRanking !== stored.rows) && performance.now() < deadline) {
    await sleep(100);
    read = await countsThroughGateway(gatewayUrl, petitionId);
  }
  return { ...stored, ...read };
}

function exactChecks(result: Burst, counts: FinalCounts): Check[] {
  const sorted = [...result.counts].sort((a, b) => a - b);
  const n = result.users;
  return [
    {
      what: `signing via ${result.label}: all ${n} users' signatures accepted (${outcomesText(result.outcomes)})`,
      ok: result.outcomes.get('Signature') === n && result.outcomes.size === 1,
    },
    {
      what: `signing via ${result.label}: the answers' counts were 1…${n}, each once`,
      ok: sorted.length === n && sorted.every((count, index) => count === index + 1),
    },
    {
      what: `signing via ${result.label}: final count exact — rows ${counts.rows}, signature_counts ${counts.counter}, gateway petition ${counts.viaPetition}, gateway mostSignedPetitions ${counts.viaRanking}, expected ${n}`,
      ok: [counts.rows, counts.counter, counts.viaPetition, counts.viaRanking].every((count) => count === n),
    },
  ];
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens `count` watchers into `watchers` (so the caller can close them whatever happens). */
async function openWatchers(
  context: BenchContext,
  watchers: Watcher[],
  gatewayUrl: string,
  petitionId: string,
  count: number,
): Promise<void> {
  while (watchers.length < count) {
    const batch = Array.from(
      { length: Math.min(WATCHER_BATCH, count - watchers.length) },
      () => new Watcher(gatewayUrl, petitionId),
    );
    watchers.push(...batch);
    await withTimeout(
      Promise.all(batch.map((watcher) => watcher.ready())),
      30_000,
      `watchers ${watchers.length - batch.length + 1}–${watchers.length}`,
    );
    context.progress(`signing · watchers opened ${watchers.length}/${count}`);
  }
}

/** Waits (up to CONVERGENCE_MS after the last answer) for every watcher to hold `final`, then measures. */
async function watcherResults(
  watchers: readonly Watcher[],
  result: Burst,
  final: number,
  openedInMs: number,
): Promise<WatcherResults> {
  const holdsFinal = (watcher: Watcher) => watcher.last() === final;
  while (!watchers.every(holdsFinal) && performance.now() - result.lastAnswer < CONVERGENCE_MS) await sleep(20);
  const exact = watchers.every(holdsFinal);
  const delays: WatcherResults['delays'] = [];
  let undelivered = 0;
  for (const answer of result.sampled) {
    const second = Math.floor((answer.at - result.began) / 1000) + 1;
    for (const watcher of watchers) {
      const seen = watcher.sawAtLeast(answer.count);
      if (seen === undefined) undelivered++;
      else delays.push({ second, ms: seen - answer.at });
    }
  }
  const lastSeen = watchers.map((watcher) => watcher.sawAtLeast(final));
  return {
    watchers: watchers.length,
    openedInMs,
    delays,
    undelivered,
    sampledAnswers: result.sampled.length,
    exact,
    monotonic: watchers.every((watcher) => watcher.monotonic()),
    pushesPerWatcher: watchers.reduce((sum, watcher) => sum + watcher.pushes.length - 1, 0) / watchers.length,
    convergedInMs: lastSeen.every((at) => at !== undefined)
      ? Math.max(0, lastSeen.length === 0 ? 0 : largest(lastSeen.map((at) => (at as number) - result.lastAnswer)))
      : undefined,
  };
}

const ms = (value: number | undefined, decimals = 1) =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(decimals);

const ratio = (a: number, b: number) => (b === 0 || !Number.isFinite(a / b) ? '–' : `${(a / b).toFixed(2)}×`);

/** One row per burst, side by side; `floor` is the subgraph called directly. */
function burstTable(bursts: readonly Burst[], floor: Burst | undefined, exact: ReadonlyMap<Burst, boolean>): string[] {
  return [
    '| served by | signatures sent | connections | wall time s | **accepted signatures/s** | × directly | p50 ms | p95 ms | p99 ms | max ms | outcomes | final count exact |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...bursts.map((b) => {
      const s = b.summary;
      const cells = [
        b.label,
        String(b.users),
        String(b.connections),
        s.seconds.toFixed(1),
        `**${s.throughput.toFixed(0)}**`,
        floor === undefined ? '–' : ratio(s.throughput, floor.summary.throughput),
        ms(s.p50),
        ms(s.p95),
        ms(s.p99),
        ms(s.max),
        outcomesText(b.outcomes),
        exact.get(b) === true ? 'yes' : '**NO**',
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ];
}

/** What each answered signature cost each process, each gateway's beside the Rust ceiling's. */
function cpuRows(bursts: readonly MeasuredBurst[]): string[] {
  const ceiling = bursts.find((b) => b.servedBy === CEILING)?.cpu;
  return cpuTable(
    ['served by', 'accepted signatures/s'],
    bursts.map((b) => ({
      cells: [b.label, b.summary.throughput.toFixed(0)],
      cpu: b.cpu,
      ...(ceiling === undefined || b.servedBy === 'subgraph' ? {} : { ceiling }),
    })),
    'Grafbase',
  );
}

function watcherTable(w: WatcherResults, watched: Burst): string[] {
  const delays = w.delays.map((d) => d.ms);
  return [
    `| watchers (graphql-ws through the Agora gateway, during “${watched.label}”) | |`,
    '|---|---|',
    `| watchers, one WebSocket each | ${w.watchers} (opened ${WATCHER_BATCH} at a time in ${(w.openedInMs / 1000).toFixed(1)} s) |`,
    `| **delivery delay p50 / p99 / max (ms)** | **${ms(percentile(delays, 0.5))} / ${ms(percentile(delays, 0.99))} / ${ms(largest(delays))}** (${w.sampledAnswers} sampled answers × ${w.watchers} watchers${w.undelivered > 0 ? `, ${w.undelivered} never delivered` : ''}) |`,
    `| last answer → every watcher had the final count | ${w.convergedInMs === undefined ? `not within ${CONVERGENCE_MS / 1000} s` : `${w.convergedInMs.toFixed(0)} ms`} |`,
    `| pushes per watcher (mean) | ${w.pushesPerWatcher.toFixed(1)} for ${watched.counts.length} signatures |`,
    `| every watcher ended on the exact final count | ${w.exact ? 'yes' : '**NO**'} |`,
    `| every watcher’s counts only went up | ${w.monotonic ? 'yes' : '**NO**'} |`,
  ];
}

function charts(bursts: readonly Burst[], w: WatcherResults): ScenarioReport['charts'] {
  const bySecond = new Map<number, number[]>();
  for (const { second, ms: delay } of w.delays) {
    const delays = bySecond.get(second) ?? [];
    delays.push(delay);
    bySecond.set(second, delays);
  }
  return [
    {
      name: 'signing-accepted-over-time',
      title: 'Signing burst: accepted signatures per second over time',
      svg: lineChart({
        title: 'Signing burst on one petition: accepted signatures per second',
        xLabel: 'seconds since burst start',
        yLabel: 'signatures/s',
        series: bursts.map((b) => ({
          name: b.label,
          points: b.seconds.map((s) => ({ x: s.second, y: s.throughput })),
        })),
      }),
    },
    {
      name: 'signing-p99-over-time',
      title: 'Signing burst: p99 response time over time',
      svg: lineChart({
        title: 'Signing burst on one petition: p99 response time',
        xLabel: 'seconds since burst start',
        yLabel: 'ms',
        series: bursts.map((b) => ({ name: b.label, points: b.seconds.map((s) => ({ x: s.second, y: s.p99 })) })),
      }),
    },
    {
      name: 'signing-watcher-delay-over-time',
      title: 'Signing burst: delay from answer to every watcher having the count, over time',
      svg: lineChart({
        title: `${w.watchers} watchers during the gateway burst: delivery delay`,
        xLabel: 'seconds since burst start (of the answer)',
        yLabel: 'ms',
        series: [0.99, 0.5].map((fraction) => ({
          name: `p${fraction * 100} of that second's sampled answers`,
          points: [...bySecond].map(([second, delays]) => ({ x: second, y: percentile(delays, fraction) })),
        })),
      }),
    },
  ];
}

interface SigningPlan {
  users: number;
  connections: number;
  sampleEvery: number;
  warmUpUsers: number;
  warmUpPetition: string;
}

/** A burst of `plan.users` signatures on `petitionId` at `target`, with each process's CPU over it. */
async function measuredBurst(
  context: BenchContext,
  target: BurstTarget,
  petitionId: string,
  plan: SigningPlan,
  options: { sampleEvery?: number; settle?: (burst: Burst) => Promise<void> } = {},
): Promise<MeasuredBurst> {
  const requests = await target.requests(petitionId, plan.users, target.label);
  context.log(`signing: ${plan.users} users sign one petition via ${target.label}, ${plan.connections} connections`);
  const meter = startCpuMeter(
    benchProcessGroups({
      ...(target.gatewayPid === undefined ? {} : { gatewayPid: target.gatewayPid }),
      subgraphsPid: () => context.agora.processId,
      databasePrefix: context.agora.databasePrefix,
    }),
  );
  const result = await burst(context, {
    label: target.label,
    servedBy: target.servedBy,
    url: target.url,
    petitionId,
    requests,
    connections: plan.connections,
    sampleEvery: options.sampleEvery ?? Number.MAX_SAFE_INTEGER,
  });
  // The work a signature sets off after its answer (pushes to watchers) belongs to it too.
  await options.settle?.(result);
  return { ...result, cpu: meter.finish(result.summary.requests) };
}

/** Warm-up through a gateway (connections, query plan, JIT), on the warm-up petition, new users each time. */
async function warmUp(context: BenchContext, target: BurstTarget, plan: SigningPlan): Promise<void> {
  await burst(context, {
    label: `warm-up (${target.label})`,
    servedBy: target.servedBy,
    url: target.url,
    petitionId: plan.warmUpPetition,
    requests: await target.requests(plan.warmUpPetition, plan.warmUpUsers, 'warm-up'),
    connections: plan.connections,
    sampleEvery: Number.MAX_SAFE_INTEGER,
  });
}

/** A peer gateway: started, warmed up, one burst, stopped; or why it could not serve. */
async function peerBurst(
  context: BenchContext,
  kind: GatewayKind,
  petitionId: string,
  plan: SigningPlan,
): Promise<MeasuredBurst | { gateway: GatewayKind; why: string }> {
  try {
    const gateway = await startGateway(kind, context.agora);
    try {
      const target: BurstTarget = {
        label: GATEWAY_LABELS[kind],
        servedBy: kind,
        url: gateway.url,
        gatewayPid: gateway.pid,
        requests: async (petition, users) => identityRequests(gateway.url, petition, users),
      };
      await warmUp(context, target, plan);
      return await measuredBurst(context, target, petitionId, plan);
    } finally {
      await gateway.stop();
    }
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    context.log(`  ${GATEWAY_LABELS[kind]} could not serve the signing burst: ${why}`);
    return { gateway: kind, why };
  }
}

export const signingBurst: Scenario = {
  name: 'signing',
  describe:
    '(c) a signing burst on one petition from distinct users, side by side through every gateway and straight to the subgraph; (d) watchers during it',
  async run(context) {
    const { scale, agora } = context;
    const watcherCount = byScale(scale, { full: 2_000, quick: 500, smoke: 20 });
    const peers = context.peers.filter((kind) => kind !== 'agora');
    context.log(`signing: opening ${4 + peers.length} petitions (warm-up, one per burst)`);
    const [warmUpPetition, quietPetition, watchedPetition, directPetition, ...peerPetitions] = await openPetitions(
      agora,
      4 + peers.length,
    );
    if (
      warmUpPetition === undefined ||
      quietPetition === undefined ||
      watchedPetition === undefined ||
      directPetition === undefined
    )
      throw new Error('signing: fewer petitions opened than asked for');
    const plan: SigningPlan = {
      users: byScale(scale, { full: 20_000, quick: 4_000, smoke: 300 }),
      connections: byScale(scale, { full: 200, quick: 200, smoke: 20 }),
      sampleEvery: byScale(scale, { full: 50, quick: 10, smoke: 5 }),
      warmUpUsers: byScale(scale, { full: 1_000, quick: 500, smoke: 50 }),
      warmUpPetition,
    };
    const db = createDb({ connectionString: agora.databaseUrl('signatures'), maxConnections: 1 });
    const gateway = await startGateway('agora', agora);
    const agoraTarget = (label: string): BurstTarget => ({
      label,
      servedBy: 'agora',
      url: gateway.url,
      gatewayPid: gateway.pid,
      requests: (petition, users, phase) => tokenRequests(context, gateway.url, petition, users, phase),
    });
    const watchers: Watcher[] = [];
    try {
      // Warm-up: connections, the gateway's query plan and both processes' JIT, as in a long-running service.
      await warmUp(context, agoraTarget(GATEWAY_LABELS.agora), plan);
      const quiet = await measuredBurst(
        context,
        agoraTarget(`${GATEWAY_LABELS.agora}, no watchers`),
        quietPetition,
        plan,
      );

      context.log(`signing: opening ${watcherCount} watchers on the next burst's petition`);
      const opening = performance.now();
      await openWatchers(context, watchers, gateway.url, watchedPetition, watcherCount);
      const openedInMs = performance.now() - opening;
      let watched: WatcherResults | undefined;
      let watchedRows = 0;
      const watchedBurst = await measuredBurst(
        context,
        agoraTarget(`${GATEWAY_LABELS.agora}, ${watcherCount} watchers`),
        watchedPetition,
        plan,
        {
          sampleEvery: plan.sampleEvery,
          settle: async (result) => {
            watchedRows = (await countsInPostgres(db, watchedPetition)).rows;
            context.progress(`signing · waiting for ${watcherCount} watchers to reach ${watchedRows}`);
            watched = await watcherResults(watchers, result, watchedRows, openedInMs);
          },
        },
      );
      if (watched === undefined) throw new Error('signing: the watchers were not measured');
      await Promise.all(watchers.splice(0).map((watcher) => watcher.close()));

      const bursts: MeasuredBurst[] = [quiet, watchedBurst];
      const unavailable: { gateway: GatewayKind; why: string }[] = [];
      for (const [index, kind] of peers.entries()) {
        const served = await peerBurst(context, kind, peerPetitions[index] as string, plan);
        if ('why' in served) unavailable.push(served);
        else bursts.push(served);
      }
      const floor = await measuredBurst(
        context,
        {
          label: 'signatures subgraph directly (the floor)',
          servedBy: 'subgraph',
          url: agora.subgraphUrls.signatures,
          requests: async (petition, users) =>
            identityRequests(agora.subgraphUrls.signatures, petition, users, {
              [INTERNAL_HEADERS.gatewaySecret]: agora.gatewaySecret,
            }),
        },
        directPetition,
        plan,
      );
      bursts.push(floor);

      const exact = new Map<Burst, boolean>();
      const checks: Check[] = [];
      for (const b of bursts) {
        const own = exactChecks(b, await finalCounts(db, gateway.url, b.petitionId));
        exact.set(
          b,
          own.every((check) => check.ok),
        );
        checks.push(...own);
      }
      checks.push(
        {
          what: `signing: all ${watcherCount} watchers ended on the exact final count ${watchedRows} within ${CONVERGENCE_MS / 1000} s of the last answer`,
          ok: watched.exact && watchedRows === plan.users,
        },
        { what: `signing: every watcher's counts only went up`, ok: watched.monotonic },
      );
      const delays = watched.delays.map((d) => d.ms);
      context.log(
        `  watchers: delay p50 ${ms(percentile(delays, 0.5))} ms, p99 ${ms(percentile(delays, 0.99))} ms, converged ${ms(watched.convergedInMs, 0)} ms after the last answer`,
      );
      const refusals = bursts.flatMap((b) =>
        b.firstRefusal === undefined
          ? []
          : [`- first answer via ${b.label} that was not a Signature: ${inlineCode(b.firstRefusal)}`],
      );
      const unavailableLines = unavailable.map(
        (u) => `- ${GATEWAY_LABELS[u.gateway]} could not serve the signing burst: ${inlineCode(u.why)}`,
      );
      const ceilingWhy = unavailable.find((u) => u.gateway === CEILING)?.why;
      const cpu: CpuReading[] = bursts.map((b) => ({ row: b.label, servedBy: b.servedBy, cpu: b.cpu }));

      return {
        title: 'Signing burst and live counts',
        markdown: [
          `${plan.users} signatures on one open petition, each from a different user, sent closed loop over ${plan.connections} keep-alive connections (each sends its next signature as soon as the last is answered) with \`${SIGN}\`; each row below is its own burst on its own petition, one after the other. Through Agora's gateway each user has a session token (${plan.users} minted before the clock starts), which the gateway verifies: once with no watchers, once with ${watcherCount} watchers on the petition. The peer gateways (stock @apollo/gateway, Hive Gateway, Grafbase) verify no token of Agora's: each request carries the identity headers Agora's gateway derives from a verified token (\`${INTERNAL_HEADERS.userId}\`, \`${INTERNAL_HEADERS.sessionId}\`, a fresh user each), which they pass on, adding the gateway secret, as the subgraph called directly (the floor) gets them with the secret. So the peers skip the token check Agora's gateway does. Each gateway is warmed up first with ${plan.warmUpUsers} signatures (new users) on a warm-up petition. Accepted signatures per second are the answers with \`__typename\` Signature over the wall time from the first request to the last answer; latencies are of every answer. Afterwards each petition's signatures rows, its \`signature_counts\` row and the count Agora's gateway answers (from Redis) are checked equal to the number sent.`,
          '',
          ...burstTable(bursts, floor, exact),
          ...(refusals.length + unavailableLines.length === 0 ? [] : ['', ...refusals, ...unavailableLines]),
          '',
          '### CPU per signature, per process',
          '',
          cpuMethod('answered signature'),
          `For the burst with watchers the phase ends once every watcher has the final count, so the pushes a signature sets off are counted with it (the watchers run in the load generator's process).`,
          '',
          ...cpuRows(bursts),
          '',
          ceilingNote({
            ceiling: GATEWAY_LABELS[CEILING],
            installed: context.peers.includes(CEILING),
            ...(ceilingWhy === undefined ? {} : { unavailableBecause: ceilingWhy }),
            sameLoad: `its own burst (${plan.users} signatures, ${plan.connections} connections, identity headers as the other peers get them)`,
          }),
          '',
          '### Live counts',
          '',
          `During “${watchedBurst.label}”, ${watcherCount} watchers (the graphql-ws client a mobile app would use, one WebSocket each, in the load generator's process) are subscribed to \`signatureCountChanged\` on its petition through the same gateway, all pushed their first count before the burst starts. For every ${plan.sampleEvery === 1 ? '' : `${plan.sampleEvery}th `}accepted answer (its count, and when the load generator had it), the delivery delay is the time until each watcher first saw a count at least that high; a push can beat the answer, so small negative delays occur.`,
          '',
          ...watcherTable(watched, watchedBurst),
        ],
        charts: charts(bursts, watched),
        checks,
        cpu,
        unavailable,
      };
    } finally {
      await Promise.all(watchers.map((watcher) => watcher.close()));
      await gateway.stop();
      await db.close();
    }
  },
};
