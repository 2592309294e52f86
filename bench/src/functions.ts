// One subgraph query served three ways on this machine: a function's cold start (a fresh Node
// process that imports the handler and answers once), warm function invocations (the Lambda
// handler, in-process), and the long-lived service over HTTP. Cold starts are measured compiled
// (dist/, as deployed) and through tsx (src/, as before issue 16), alternately, and so is what
// reading an Error's stack costs each way. Run: npm run bench:functions (BENCH_QUICK=1 for
// fewer samples). Writes bench/FUNCTIONS.md; numbers are for reading, never pass/fail.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createDb, dropDatabase, ensureDatabase, runMigrations, withDatabase } from '@agora/db';
import { INTERNAL_HEADERS, silentLogger } from '@agora/service';
import { createInventoryFunction } from '@agora/inventory/function';
import { DEMO_PRODUCTS, INVENTORY_MIGRATIONS_DIR, createProductStore } from '@agora/inventory';
import { postGraphQL } from '@agora/testkit';
import { percentile } from './stats.js';
import { COMPILED } from './system/processes.js';

const QUICK = process.env['BENCH_QUICK'] === '1';
const COLD_STARTS = QUICK ? 3 : 10;
const WARM_INVOCATIONS = QUICK ? 50 : 500;
const WARM_UP = 20;

const REPORT_PATH = fileURLToPath(new URL('../FUNCTIONS.md', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const INVENTORY_DIR = fileURLToPath(new URL('../../subgraphs/inventory', import.meta.url));
const QUERY = '{ products(first: 20) { nodes { id sku name price { amount currency } stock inStock } } }';
const BODY = JSON.stringify({ query: QUERY });

const log = (line: string) => process.stdout.write(`${line}\n`);

type Runtime = 'compiled' | 'tsx';

/** Node's arguments to run a file of bench/src: its compiled twin in dist/, or the source through tsx. */
function nodeArgs(runtime: Runtime, file: string): string[] {
  return runtime === 'compiled' ? [COMPILED, `dist/${file}.js`] : ['--import', 'tsx', `src/${file}.ts`];
}

interface Row {
  how: string;
  samples: number[];
}

function refuseRemote(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    throw new Error(`Benchmarks run against this machine only; ${host} is not it.`);
  }
}

/** The inventory database with the demo catalogue, migrated as a deployment's would be. */
async function seedDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  const db = createDb({ connectionString: url, maxConnections: 1 });
  try {
    await runMigrations(db, INVENTORY_MIGRATIONS_DIR);
    await createProductStore(db).insertProducts([...DEMO_PRODUCTS]);
  } finally {
    await db.close();
  }
}

/** Checks an answer is the 20 products, so that a fast failure is never measured as a fast query. */
function assertProducts(status: number, body: string): void {
  const nodes = (JSON.parse(body) as { data?: { products?: { nodes?: unknown[] } } }).data?.products?.nodes;
  if (status !== 200 || nodes?.length !== DEMO_PRODUCTS.length) {
    throw new Error(`Unexpected answer (HTTP ${status}): ${body.slice(0, 300)}`);
  }
}

/** Spawn → first answer of a fresh process, with the child's own view of where the time went. */
async function coldStart(
  env: NodeJS.ProcessEnv,
  runtime: Runtime,
): Promise<{ total: number; imported: number; firstAnswer: number }> {
  const began = performance.now();
  const child = spawn(process.execPath, nodeArgs(runtime, 'functionColdStart'), {
    cwd: BENCH_DIR,
    env: { ...env, BENCH_BODY: BODY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // The function logs its own lines (its cold start) on stdout too.
      const match = /^answer (.*)$/m.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`The cold-start process exited with ${code}:\n${output}`)));
  });
  const total = performance.now() - began;
  await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
  const answer = JSON.parse(line) as { status: number; body: string; imported: number; answered: number };
  assertProducts(answer.status, answer.body);
  return { total, imported: answer.imported, firstAnswer: answer.answered - answer.imported };
}

/** Compiled and tsx cold starts taken in turn, so that a busy moment of the machine falls on both. */
async function measureColdStarts(env: NodeJS.ProcessEnv): Promise<Row[]> {
  // The first spawns fill tsx's transform cache (which an image would ship warm) and the OS's file cache.
  await coldStart(env, 'tsx');
  await coldStart(env, 'compiled');
  const runs: Record<Runtime, Awaited<ReturnType<typeof coldStart>>[]> = { compiled: [], tsx: [] };
  for (let i = 0; i < COLD_STARTS; i++) {
    runs.compiled.push(await coldStart(env, 'compiled'));
    runs.tsx.push(await coldStart(env, 'tsx'));
  }
  const rows = (runtime: Runtime, label: string, importing: string): Row[] => [
    { how: `function, cold start, ${label}: spawn → first answer`, samples: runs[runtime].map((run) => run.total) },
    { how: `… of which ${importing}`, samples: runs[runtime].map((run) => run.imported) },
    {
      how: '… of which the first invocation (config, pool, migrations checked, Apollo started, query)',
      samples: runs[runtime].map((run) => run.firstAnswer),
    },
  ];
  return [
    ...rows('compiled', 'compiled (`node dist/…`, as deployed)', 'Node and importing the handler'),
    ...rows('tsx', 'through tsx (`node --import tsx src/…`, before)', 'Node, tsx and importing the handler'),
  ];
}

/** µs to read one Error's stack (ten frames, all ours), compiled and through tsx, the median of a few processes each. */
async function measureErrorStacks(): Promise<Record<Runtime, number>> {
  const once = async (runtime: Runtime) => {
    const child = spawn(process.execPath, nodeArgs(runtime, 'errorStack'), { cwd: BENCH_DIR, stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.once('close', resolve));
    const line = /^stack (.*)$/m.exec(output)?.[1];
    if (code !== 0 || line === undefined) throw new Error(`The error-stack process exited with ${code}:\n${output}`);
    return (JSON.parse(line) as { microseconds: number }).microseconds;
  };
  const samples: Record<Runtime, number[]> = { compiled: [], tsx: [] };
  for (let i = 0; i < (QUICK ? 1 : 5); i++) {
    samples.compiled.push(await once('compiled'));
    samples.tsx.push(await once('tsx'));
  }
  return { compiled: percentile(samples.compiled, 0.5), tsx: percentile(samples.tsx, 0.5) };
}

async function measureWarmInvocations(env: NodeJS.ProcessEnv): Promise<Row> {
  const fn = createInventoryFunction(env, silentLogger);
  const event = {
    rawPath: '/graphql',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', [INTERNAL_HEADERS.gatewaySecret]: env['GATEWAY_SECRET'] },
    body: BODY,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST' } },
  };
  try {
    const samples: number[] = [];
    for (let i = 0; i < WARM_UP + WARM_INVOCATIONS; i++) {
      const began = performance.now();
      const result = await fn.lambda(event);
      if (i >= WARM_UP) samples.push(performance.now() - began);
      assertProducts(result.statusCode, result.body);
    }
    return { how: 'function, warm invocation (Lambda handler, in-process)', samples };
  } finally {
    await fn.close();
  }
}

/** The inventory service as the image runs it (compiled), until it prints its URL. */
async function startService(env: NodeJS.ProcessEnv): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [COMPILED, 'dist/index.js'], {
    cwd: INVENTORY_DIR,
    env: { ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`The service did not start within 30 s:\n${output}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(deadline);
      resolve(match[1]);
    });
    void exited.then(() => reject(new Error(`The service exited while starting:\n${output}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function measureService(env: NodeJS.ProcessEnv): Promise<Row> {
  const service = await startService(env);
  try {
    const headers = { [INTERNAL_HEADERS.gatewaySecret]: env['GATEWAY_SECRET'] as string };
    const samples: number[] = [];
    for (let i = 0; i < WARM_UP + WARM_INVOCATIONS; i++) {
      const began = performance.now();
      const result = await postGraphQL(service.url, QUERY, { headers });
      if (i >= WARM_UP) samples.push(performance.now() - began);
      assertProducts(result.status, JSON.stringify(result));
    }
    return { how: 'long-lived service over HTTP (its own process, keep-alive)', samples };
  } finally {
    await service.stop();
  }
}

function table(rows: readonly Row[]): string[] {
  const ms = (value: number) => value.toFixed(1);
  return [
    '| how the query is served | samples | p50 (ms) | p99 (ms) | max (ms) |',
    '|---|---|---|---|---|',
    ...rows.map(
      ({ how, samples }) =>
        `| ${how} | ${samples.length} | ${ms(percentile(samples, 0.5))} | ${ms(percentile(samples, 0.99))} | ${ms(Math.max(...samples))} |`,
    ),
  ];
}

async function main(): Promise<void> {
  const serverUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  refuseRemote(serverUrl);
  const databaseUrl = withDatabase(serverUrl, `agora_bench_fn_${randomBytes(4).toString('hex')}_inventory`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    APOLLO_TELEMETRY_DISABLED: '1',
    GATEWAY_SECRET: randomBytes(24).toString('hex'),
    DATABASE_URL: databaseUrl,
  };
  await seedDatabase(databaseUrl);
  try {
    log(`measuring ${COLD_STARTS} cold starts…`);
    const cold = await measureColdStarts(env);
    log(`measuring ${WARM_INVOCATIONS} warm invocations…`);
    const warm = await measureWarmInvocations(env);
    log(`measuring ${WARM_INVOCATIONS} requests to the long-lived service…`);
    const service = await measureService(env);
    log("measuring what reading an Error's stack costs…");
    const stacks = await measureErrorStacks();
    const report = [
      '# Functions against the long-lived service',
      '',
      'Written by `npm run bench:functions` (bench/src/functions.ts); numbers to read, not thresholds.',
      `The inventory subgraph answering \`products(first: 20)\` (the 20 demo products) from PostgreSQL on this machine, one request at a time,`,
      `on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}${QUICK ? ', quick run' : ''}.`,
      '',
      ...table([...cold, warm, service]),
      '',
      'What each row includes:',
      '',
      '- **Cold start**: a new Node process that imports `@agora/inventory/function` and invokes its Lambda handler',
      '  once; timed from spawn to the answer on its stdout. Compiled: `node --conditions=agora-compiled` on the',
      "  JavaScript `npm run build` wrote into each workspace's dist/, as the image and a function deployment run it.",
      '  Through tsx: `node --import tsx` on the sources, as everything ran before, tsx transpiling from its on-disk',
      '  cache (filled by an unmeasured run first). The two alternate, one of each in turn. A platform adds its own',
      '  instance start-up and network to this.',
      '- **Warm invocation**: the same handler called again and again in one process (after 20 unmeasured calls),',
      '  with its pool of one connection (`DATABASE_POOL_MAX` defaults to 1); no HTTP.',
      '- **Long-lived service**: `subgraphs/inventory/dist/index.js` (compiled) in its own process (pool of 10),',
      '  called over HTTP on 127.0.0.1 with keep-alive (after 20 unmeasured requests); HTTP and JSON both ways are included.',
      '',
      "| reading an `Error`'s stack (ten frames, all ours, bench/src/errorStack.ts) | µs per read, median of processes |",
      '|---|---|',
      `| compiled (\`node dist/…\`) | ${stacks.compiled.toFixed(1)} |`,
      `| through tsx (source maps on: every frame mapped back to its .ts line) | ${stacks.tsx.toFixed(1)} |`,
      '',
    ].join('\n');
    await writeFile(REPORT_PATH, report);
    log(report);
  } finally {
    await dropDatabase(databaseUrl);
  }
}

await main();
