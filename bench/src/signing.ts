// Signing at burst scale and live counts, measured against `npm start` with Redis on this
// machine. Run: npm run bench:signing (BENCH_QUICK=1 for a tenth of the load,
// BENCH_PROFILE=<folder> for a CPU profile of Agora's process). Writes
// bench/REPORT.md; numbers are for reading, never pass/fail.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createDb } from '@agora/db';
import { startAgoraUnderTest, type AgoraUnderTest } from './agoraProcess.js';
import { dataOf, inParallel, postGraphQL, type GraphQLResult } from '@agora/testkit';
import { Watcher } from './watcher.js';
import { latencySummary, sleep } from './stats.js';

const QUICK = process.env['BENCH_QUICK'] === '1';
const scale = (n: number) => (QUICK ? Math.max(1, Math.round(n / 10)) : n);

const BURST = {
  petitions: 20,
  users: scale(5_000),
  attemptsPerUser: 6,
  concurrency: 200,
  watchers: scale(1_000),
};
const STEADY = { watchers: scale(200), signatures: scale(200), intervalMs: 20 };

const REPORT_PATH = fileURLToPath(new URL('../REPORT.md', import.meta.url));
const SIGN = 'mutation ($id: ID!) { signPetition(petitionId: $id) { __typename ... on Signature { signatureCount } } }';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** One operation to the gateway, as `token`'s owner when given. */
function send<Data>(
  agora: AgoraUnderTest,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<GraphQLResult<Data>> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return postGraphQL<Data>(agora.gatewayUrl, query, { variables, headers });
}

async function openPetitions(agora: AgoraUnderTest, count: number): Promise<string[]> {
  const creator = dataOf(
    await send<{ register: { token: string } }>(
      agora,
      'mutation ($input: RegisterInput!) { register(input: $input) { ... on AuthPayload { token } } }',
      { input: { email: `bench-${randomUUID()}@example.com`, password: 'a bench password', name: 'Bench' } },
    ),
  ).register.token;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { createPetition } = dataOf(
      await send<{ createPetition: { id: string } }>(
        agora,
        'mutation ($t: String!) { createPetition(input: { title: $t, body: "Measured." }) { ... on Petition { id } } }',
        { t: `Bench petition ${i}` },
        creator,
      ),
    );
    dataOf(
      await send(
        agora,
        'mutation ($id: ID!) { launchPetition(id: $id) { __typename } }',
        { id: createPetition.id },
        creator,
      ),
    );
    ids.push(createPetition.id);
  }
  return ids;
}

async function watch(gatewayUrl: string, petitionIds: readonly string[], count: number): Promise<Watcher[]> {
  const watchers = Array.from(
    { length: count },
    (_, i) => new Watcher(gatewayUrl, petitionIds[i % petitionIds.length] as string),
  );
  await Promise.all(watchers.map((watcher) => watcher.ready()));
  return watchers;
}

/** Transactions committed in the signatures database so far (PostgreSQL's own statistics). */
async function committedTransactions(agora: AgoraUnderTest): Promise<number> {
  const db = createDb({ connectionString: agora.databaseUrl('signatures') });
  try {
    // Statistics reach the view up to a second after the fact.
    await sleep(1_500);
    await db.query('SELECT pg_stat_clear_snapshot()');
    const row = await db.queryOne<{ commits: string }>(
      'SELECT xact_commit::text AS commits FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(row?.commits ?? 0);
  } finally {
    await db.close();
  }
}

async function countsInPostgres(agora: AgoraUnderTest, petitionIds: readonly string[]): Promise<Map<string, number>> {
  const db = createDb({ connectionString: agora.databaseUrl('signatures') });
  try {
    const rows = await db.query<{ petitionId: string; count: number }>(
      'SELECT petition_id AS "petitionId", count(*)::int AS count FROM signatures WHERE petition_id = ANY($1::uuid[]) GROUP BY 1',
      [petitionIds],
    );
    return new Map(rows.map((row) => [row.petitionId, row.count]));
  } finally {
    await db.close();
  }
}

async function burst(agora: AgoraUnderTest): Promise<string[]> {
  const attempts = BURST.users * BURST.attemptsPerUser;
  log(
    `Burst: ${attempts} attempts from ${BURST.users} users over ${BURST.petitions} petitions, ${BURST.concurrency} in flight, ${BURST.watchers} watchers`,
  );
  const petitionIds = await openPetitions(agora, BURST.petitions);
  const watchers = await watch(agora.gatewayUrl, petitionIds, BURST.watchers);
  const tokens = await Promise.all(Array.from({ length: BURST.users }, () => agora.mintToken(randomUUID())));
  // Each user tries four petitions, two of them twice; the order is scrambled so repeats race.
  const plan = Array.from({ length: attempts }, (_, n) => {
    const i = (n * 7_919) % attempts;
    const user = i % BURST.users;
    const round = Math.floor(i / BURST.users);
    return {
      token: tokens[user] as string,
      petition: petitionIds[(user + (round % 4) * 5) % BURST.petitions] as string,
    };
  });
  const commitsBefore = await committedTransactions(agora);

  const latencies: number[] = [];
  const outcomes = new Map<string, number>();
  let done = 0;
  const began = performance.now();
  const progress = setInterval(() => log(`  ${done}/${attempts} answered`), 5_000);
  await inParallel(plan, BURST.concurrency, async ({ token, petition }) => {
    const sent = performance.now();
    const answer = await send<{ signPetition: { __typename: string } }>(agora, SIGN, { id: petition }, token);
    latencies.push(performance.now() - sent);
    const outcome = answer.data?.signPetition.__typename ?? String(answer.errors?.[0]?.extensions?.['code']);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    done++;
  });
  clearInterval(progress);
  const lastAnswer = performance.now();
  const seconds = (lastAnswer - began) / 1000;

  const truth = await countsInPostgres(agora, petitionIds);
  const exact = (watcher: Watcher, index: number) =>
    watcher.last() === truth.get(petitionIds[index % petitionIds.length] as string);
  while (!watchers.every(exact) && performance.now() - lastAnswer < 30_000) await sleep(5);
  const settled = watchers.every(exact);
  const converged = Math.max(...watchers.map((watcher) => watcher.pushes.at(-1)?.at ?? lastAnswer)) - lastAnswer;
  const commits = (await committedTransactions(agora)) - commitsBefore;
  const accepted = outcomes.get('Signature') ?? 0;
  const pushes = watchers.reduce((sum, watcher) => sum + watcher.pushes.length - 1, 0);
  await Promise.all(watchers.map((watcher) => watcher.close()));

  return [
    `| attempts | ${attempts} (${BURST.users} users × ${BURST.attemptsPerUser}, ${BURST.petitions} petitions, ${BURST.concurrency} in flight) |`,
    `| outcomes | ${[...outcomes].map(([kind, n]) => `${kind} ${n}`).join(', ')} |`,
    `| wall time | ${seconds.toFixed(1)} s |`,
    `| attempts per second | ${(attempts / seconds).toFixed(0)} (${((attempts / seconds) * 60).toFixed(0)} a minute) |`,
    `| accepted signatures per second | ${(accepted / seconds).toFixed(0)} |`,
    `| signPetition latency p50 / p95 / p99 / max (ms) | ${latencySummary(latencies)} |`,
    `| signatures database transactions | ${commits} (${(accepted / Math.max(1, commits)).toFixed(1)} accepted signatures per transaction, reads included) |`,
    `| counts in PostgreSQL = last count pushed to all ${BURST.watchers} watchers | ${settled ? 'yes' : 'NO'} |`,
    `| every watcher's counts only went up | ${watchers.every((watcher) => watcher.monotonic()) ? 'yes' : 'NO'} |`,
    `| pushes per watcher (mean) | ${(pushes / BURST.watchers).toFixed(1)} for ${(accepted / BURST.petitions).toFixed(0)} signatures on its petition |`,
    `| last answer → every watcher has the final count | ${converged.toFixed(0)} ms |`,
  ];
}

async function steady(agora: AgoraUnderTest): Promise<string[]> {
  log(`Steady: ${STEADY.signatures} signatures one after another on one petition, ${STEADY.watchers} watchers`);
  const [petitionId] = await openPetitions(agora, 1);
  const watchers = await watch(agora.gatewayUrl, [petitionId as string], STEADY.watchers);
  const answered: { count: number; at: number }[] = [];
  for (let i = 0; i < STEADY.signatures; i++) {
    const answer = await send<{ signPetition: { signatureCount: number } }>(
      agora,
      SIGN,
      { id: petitionId },
      await agora.mintToken(randomUUID()),
    );
    answered.push({ count: dataOf(answer).signPetition.signatureCount, at: performance.now() });
    await sleep(STEADY.intervalMs);
  }
  await sleep(1_000);
  // For each signature: from its answer until the slowest watcher saw that count (or a later one).
  const delays = answered.map(({ count, at }) =>
    Math.max(...watchers.map((watcher) => (watcher.sawAtLeast(count) ?? Number.POSITIVE_INFINITY) - at)),
  );
  const pushes = watchers.reduce((sum, watcher) => sum + watcher.pushes.length - 1, 0);
  await Promise.all(watchers.map((watcher) => watcher.close()));
  return [
    `| signatures | ${STEADY.signatures}, one every ~${STEADY.intervalMs} ms plus its round trip, ${STEADY.watchers} watchers |`,
    `| answer → slowest watcher has that count, p50 / p95 / p99 / max (ms) | ${latencySummary(delays)} |`,
    `| pushes per watcher (mean) | ${(pushes / STEADY.watchers).toFixed(1)} for ${STEADY.signatures} signatures |`,
  ];
}

async function main(): Promise<void> {
  const agora = await startAgoraUnderTest(
    {
      databaseServerUrl: process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      redisUrl: process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    },
    log,
  );
  try {
    const burstRows = await burst(agora);
    const steadyRows = await steady(agora);
    const report = [
      '# Benchmarks',
      '',
      'Written by `npm run bench:signing` (bench/src/signing.ts); numbers to read, not thresholds.',
      `Agora all-in-one (one process) with Redis, the load generator in another process, on ${os.cpus().length} cores`,
      `(${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}${QUICK ? ', quick run (a tenth of the load)' : ''}.`,
      '',
      '## Signing burst',
      '',
      '| measure | value |',
      '|---|---|',
      ...burstRows,
      '',
      '## Live counts at a steady pace',
      '',
      '| measure | value |',
      '|---|---|',
      ...steadyRows,
      '',
    ].join('\n');
    await writeFile(REPORT_PATH, report);
    log(report);
  } finally {
    await agora.stop();
  }
}

await main();
