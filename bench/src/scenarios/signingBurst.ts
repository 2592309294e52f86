// (c) A signing burst: N signatures on one petition from N distinct users, as fast as the
// system takes them, through Agora's gateway (as shipped) and, for the floor, straight to the
// signatures subgraph, side by side; every count checked exact afterwards.
// (d) Live counts during the gateway burst: W graphql-ws watchers on the burst's petition,
// timed from each sampled answer until every watcher saw that count.
import { randomUUID } from 'node:crypto';
import { createDb, type Db } from '@agora/db';
import { postGraphQL } from '@agora/testkit';
import { runClosedLoop, type HttpRequest } from '../load/closedLoop.js';
import { perSecond, summarize, type SecondBucket, type Summary } from '../load/samples.js';
import { lineChart } from '../report/svgChart.js';
import { largest, percentile, sleep } from '../stats.js';
import { GATEWAY_LABELS, startGateway } from '../system/gateways.js';
import { Watcher } from '../watcher.js';
import { openPetitions } from './fixtures.js';
import { postRequest } from './graphqlHttp.js';
import { byScale, type BenchContext, type Check, type Scenario, type ScenarioReport } from './scenario.js';

const SIGN =
  'mutation Sign($id: ID!) { signPetition(petitionId: $id) { __typename ... on Signature { signatureCount } } }';
const COUNTS =
  'query Counts($id: ID!) { petition(id: $id) { signatureCount } mostSignedPetitions(first: 50) { id signatureCount } }';
/** Watchers are opened this many at a time, each batch pushed its first count before the next. */
const WATCHER_BATCH = 100;
const CONVERGENCE_MS = 30_000;

interface Answer {
  count: number;
  /** performance.now() when the load generator had the answer. */
  at: number;
}

interface Burst {
  label: string;
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

/** Requests through a gateway: one fresh user (token) each. */
async function gatewayRequests(
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

/** Requests straight to the signatures subgraph: what the gateway sends once it has verified a token. */
function directRequests(context: BenchContext, petitionId: string, users: number): HttpRequest[] {
  const path = new URL(context.agora.subgraphUrls.signatures).pathname;
  return Array.from({ length: users }, () =>
    postRequest(
      path,
      SIGN,
      { id: petitionId },
      {
        'x-agora-gateway-secret': context.agora.gatewaySecret,
        'x-agora-user-id': randomUUID(),
        'x-agora-session-id': randomUUID(),
      },
    ),
  );
}

/** Sends request n as user n, each exactly once, closed loop; accepted = a Signature answer. */
async function burst(
  context: BenchContext,
  options: {
    label: string;
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
      if (outcome !== 'Signature' || count === undefined) return false;
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

function burstTable(gateway: Burst, direct: Burst, gatewayExact: boolean, directExact: boolean): string[] {
  const ratio = (a: number, b: number) => (b === 0 || !Number.isFinite(a / b) ? '–' : `${(a / b).toFixed(2)}×`);
  const row = (what: string, g: string, d: string, r = '') => `| ${what} | ${g} | ${d} | ${r} |`;
  const latency = (what: string, pick: (s: Summary) => number) =>
    row(what, ms(pick(gateway.summary)), ms(pick(direct.summary)), ratio(pick(gateway.summary), pick(direct.summary)));
  return [
    `| | ${GATEWAY_LABELS.agora} | signatures subgraph directly (the floor) | gateway ÷ directly |`,
    '|---|---|---|---|',
    row('signatures sent (distinct users, one petition)', String(gateway.users), String(direct.users)),
    row('connections (closed loop)', String(gateway.connections), String(direct.connections)),
    row(
      'wall time (s)',
      gateway.summary.seconds.toFixed(1),
      direct.summary.seconds.toFixed(1),
      ratio(gateway.summary.seconds, direct.summary.seconds),
    ),
    row(
      '**accepted signatures/s**',
      `**${gateway.summary.throughput.toFixed(0)}**`,
      `**${direct.summary.throughput.toFixed(0)}**`,
      `**${ratio(gateway.summary.throughput, direct.summary.throughput)}**`,
    ),
    latency('latency p50 (ms)', (s) => s.p50),
    latency('latency p95 (ms)', (s) => s.p95),
    latency('latency p99 (ms)', (s) => s.p99),
    latency('latency max (ms)', (s) => s.max),
    row('outcomes', outcomesText(gateway.outcomes), outcomesText(direct.outcomes)),
    row(
      'final count exact (rows = signature_counts = gateway’s count = sent)',
      gatewayExact ? 'yes' : '**NO**',
      directExact ? 'yes' : '**NO**',
    ),
  ];
}

function watcherTable(w: WatcherResults, gateway: Burst): string[] {
  const delays = w.delays.map((d) => d.ms);
  return [
    '| watchers (graphql-ws through the Agora gateway) | |',
    '|---|---|',
    `| watchers, one WebSocket each | ${w.watchers} (opened ${WATCHER_BATCH} at a time in ${(w.openedInMs / 1000).toFixed(1)} s) |`,
    `| **delivery delay p50 / p99 / max (ms)** | **${ms(percentile(delays, 0.5))} / ${ms(percentile(delays, 0.99))} / ${ms(largest(delays))}** (${w.sampledAnswers} sampled answers × ${w.watchers} watchers${w.undelivered > 0 ? `, ${w.undelivered} never delivered` : ''}) |`,
    `| last answer → every watcher had the final count | ${w.convergedInMs === undefined ? `not within ${CONVERGENCE_MS / 1000} s` : `${w.convergedInMs.toFixed(0)} ms`} |`,
    `| pushes per watcher (mean) | ${w.pushesPerWatcher.toFixed(1)} for ${gateway.counts.length} signatures |`,
    `| every watcher ended on the exact final count | ${w.exact ? 'yes' : '**NO**'} |`,
    `| every watcher’s counts only went up | ${w.monotonic ? 'yes' : '**NO**'} |`,
  ];
}

function charts(gateway: Burst, direct: Burst, w: WatcherResults): ScenarioReport['charts'] {
  const bursts = [gateway, direct];
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

export const signingBurst: Scenario = {
  name: 'signing',
  describe:
    '(c) a signing burst on one petition from distinct users, through the gateway and straight to the subgraph; (d) watchers during it',
  async run(context) {
    const { scale, agora } = context;
    const users = byScale(scale, { full: 20_000, quick: 4_000, smoke: 300 });
    const connections = byScale(scale, { full: 200, quick: 200, smoke: 20 });
    const watcherCount = byScale(scale, { full: 2_000, quick: 500, smoke: 20 });
    const sampleEvery = byScale(scale, { full: 50, quick: 10, smoke: 5 });
    const warmUpUsers = byScale(scale, { full: 1_000, quick: 500, smoke: 50 });

    context.log('signing: opening three petitions (warm-up, gateway burst, direct burst)');
    const [warmUpPetition, gatewayPetition, directPetition] = (await openPetitions(agora, 3)) as [
      string,
      string,
      string,
    ];
    const db = createDb({ connectionString: agora.databaseUrl('signatures'), maxConnections: 1 });
    const gateway = await startGateway('agora', agora);
    const watchers: Watcher[] = [];
    try {
      // Warm-up: connections, the gateway's query plan and both processes' JIT, as in a long-running service.
      await burst(context, {
        label: 'warm-up (gateway)',
        url: gateway.url,
        petitionId: warmUpPetition,
        requests: await gatewayRequests(context, gateway.url, warmUpPetition, warmUpUsers, 'warm-up'),
        connections,
        sampleEvery: Number.MAX_SAFE_INTEGER,
      });

      const viaGateway = await gatewayRequests(context, gateway.url, gatewayPetition, users, 'gateway burst');
      const directly = directRequests(context, directPetition, users);

      context.log(`signing: opening ${watcherCount} watchers on the gateway burst's petition`);
      const opening = performance.now();
      await openWatchers(context, watchers, gateway.url, gatewayPetition, watcherCount);
      const openedInMs = performance.now() - opening;

      context.log(`signing: ${users} users sign one petition through the gateway, ${connections} connections`);
      const gatewayBurst = await burst(context, {
        label: GATEWAY_LABELS.agora,
        url: gateway.url,
        petitionId: gatewayPetition,
        requests: viaGateway,
        connections,
        sampleEvery,
      });
      const gatewayCounts = await countsInPostgres(db, gatewayPetition);
      context.progress(`signing · waiting for ${watcherCount} watchers to reach ${gatewayCounts.rows}`);
      const watched = await watcherResults(watchers, gatewayBurst, gatewayCounts.rows, openedInMs);
      await Promise.all(watchers.splice(0).map((watcher) => watcher.close()));

      context.log(`signing: ${users} more users sign another petition straight at the signatures subgraph`);
      const directBurst = await burst(context, {
        label: 'signatures subgraph directly',
        url: agora.subgraphUrls.signatures,
        petitionId: directPetition,
        requests: directly,
        connections,
        sampleEvery: Number.MAX_SAFE_INTEGER,
      });

      const gatewayFinal = await finalCounts(db, gateway.url, gatewayPetition);
      const directFinal = await finalCounts(db, gateway.url, directPetition);
      const gatewayChecks = exactChecks(gatewayBurst, gatewayFinal);
      const directChecks = exactChecks(directBurst, directFinal);
      const checks: Check[] = [
        ...gatewayChecks,
        ...directChecks,
        {
          what: `signing: all ${watcherCount} watchers ended on the exact final count ${gatewayCounts.rows} within ${CONVERGENCE_MS / 1000} s of the last answer`,
          ok: watched.exact && gatewayCounts.rows === users,
        },
        { what: `signing: every watcher's counts only went up`, ok: watched.monotonic },
      ];
      const delays = watched.delays.map((d) => d.ms);
      context.log(
        `  watchers: delay p50 ${ms(percentile(delays, 0.5))} ms, p99 ${ms(percentile(delays, 0.99))} ms, converged ${ms(watched.convergedInMs, 0)} ms after the last answer`,
      );

      return {
        title: 'Signing burst and live counts',
        markdown: [
          `${users} signatures on one open petition, each from a different user (${users} session tokens minted before the clock starts), sent closed loop over ${connections} keep-alive connections (each sends its next signature as soon as the last is answered) with \`${SIGN}\`. Accepted signatures per second are the answers with \`__typename\` Signature over the wall time from the first request to the last answer; latencies are of every answer. The same burst (another petition, ${users} other users) then goes straight to the signatures subgraph with the headers the gateway sends once it has verified a token: the floor. A warm-up of ${warmUpUsers} signatures through the gateway on a third petition comes first. Afterwards each petition's signatures rows, its \`signature_counts\` row and the count the gateway answers (from Redis) are checked equal to the number sent.`,
          '',
          ...burstTable(
            gatewayBurst,
            directBurst,
            gatewayChecks.every((check) => check.ok),
            directChecks.every((check) => check.ok),
          ),
          '',
          `During the gateway burst, ${watcherCount} watchers (the graphql-ws client a mobile app would use, one WebSocket each, in the load generator's process) are subscribed to \`signatureCountChanged\` on its petition through the same gateway, all pushed their first count before the burst starts. For every ${sampleEvery === 1 ? '' : `${sampleEvery}th `}accepted answer (its count, and when the load generator had it), the delivery delay is the time until each watcher first saw a count at least that high; a push can beat the answer, so small negative delays occur.`,
          '',
          ...watcherTable(watched, gatewayBurst),
        ],
        charts: charts(gatewayBurst, directBurst, watched),
        checks,
      };
    } finally {
      await Promise.all(watchers.map((watcher) => watcher.close()));
      await gateway.stop();
      await db.close();
    }
  },
};
