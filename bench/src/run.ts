// npm run bench [-- <scenario> …] [-- --quick]: runs the scenarios against Agora on this
// machine (127.0.0.1 only; every load stops by itself), shows progress, and writes
// bench/REPORT.md with charts in bench/results/charts. BENCH_QUICK=1 is --quick.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assembleReport, writeScenarioResults } from './report/reportFiles.js';
import type { BenchContext, Scale, Scenario } from './scenarios/scenario.js';
import { shopLoop } from './scenarios/shop.js';
import { signingBurst } from './scenarios/signingBurst.js';
import { topPetitions } from './scenarios/topPetitions.js';
import { startAgoraUnderTest } from './system/agora.js';
import { installedGateways, type GatewayKind } from './system/gateways.js';

export const SCENARIOS: readonly Scenario[] = [shopLoop, topPetitions, signingBurst];

const PEERS_DIR = fileURLToPath(new URL('../peers/', import.meta.url));

function log(line: string): void {
  clearProgress();
  process.stdout.write(`${line}\n`);
}

let progressShown = false;
let lastPlainProgress = 0;
/** In a terminal, one line rewritten in place; in a log file, a line every 5 s. */
function progress(line: string): void {
  if (process.stdout.isTTY) {
    process.stdout.write(`\r\x1b[2K${line.slice(0, process.stdout.columns - 1)}`);
    progressShown = true;
  } else if (Date.now() - lastPlainProgress >= 5_000) {
    lastPlainProgress = Date.now();
    process.stdout.write(`${line}\n`);
  }
}

function clearProgress(): void {
  if (!progressShown) return;
  process.stdout.write('\r\x1b[2K');
  progressShown = false;
}

/** Grafbase's npm package holds a binary for x86-64 Linux only; elsewhere npm skips it (optional). */
const GRAFBASE_BUILT_FOR_HERE = process.platform === 'linux' && process.arch === 'x64';

/** Hive Gateway and Grafbase live outside the product's dependencies (bench/peers); installed here on first use. */
async function peersAvailable(): Promise<GatewayKind[]> {
  const installed = await installedGateways();
  const missing = !installed.includes('hive') || (GRAFBASE_BUILT_FOR_HERE && !installed.includes('grafbase'));
  if (missing) {
    log('Installing Hive Gateway and Grafbase for the comparison (bench/peers, once)…');
    const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: PEERS_DIR, stdio: 'inherit' });
    if (install.status !== 0) log('bench/peers could not be installed; comparing without what is missing.');
  }
  const available = await installedGateways();
  if (!available.includes('grafbase')) log('Grafbase is not installed here (x86-64 Linux only); comparing without it.');
  return available;
}

function parseArguments(argv: readonly string[]): { scenarios: Scenario[]; scale: Scale } {
  const names = argv.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    const known = SCENARIOS.map((scenario) => `  ${scenario.name}: ${scenario.describe}`).join('\n');
    throw new Error(`Unknown scenario ${unknown.join(', ')}. The scenarios are:\n${known}`);
  }
  const quick = argv.includes('--quick') || process.env['BENCH_QUICK'] === '1';
  return {
    scenarios: names.length === 0 ? [...SCENARIOS] : SCENARIOS.filter((scenario) => names.includes(scenario.name)),
    scale: quick ? 'quick' : 'full',
  };
}

async function main(): Promise<void> {
  const { scenarios, scale } = parseArguments(process.argv.slice(2));
  const peers = await peersAvailable();
  const agora = await startAgoraUnderTest(
    {
      databaseServerUrl: process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      redisUrl: process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    },
    log,
  );
  // Ctrl-C stops what this run started (processes, databases, keys) before leaving.
  process.once('SIGINT', () => {
    log('Interrupted: stopping Agora and the gateways…');
    void agora.stop().finally(() => process.exit(130));
  });
  const failed: string[] = [];
  try {
    for (const scenario of scenarios) {
      log(`\n== ${scenario.name}: ${scenario.describe}`);
      const context: BenchContext = { agora, scale, peers, log, progress };
      const report = await scenario.run(context);
      await writeScenarioResults(scenario.name, report, scale);
      failed.push(...report.checks.filter((check) => !check.ok).map((check) => check.what));
    }
  } finally {
    clearProgress();
    await agora.stop();
  }
  await assembleReport(SCENARIOS.map((scenario) => scenario.name));
  log(`\nReport: bench/REPORT.md${failed.length > 0 ? `\nFAILED CHECKS:\n  ${failed.join('\n  ')}` : ''}`);
  if (failed.length > 0) process.exitCode = 1;
}

// Imported by the smoke test for SCENARIOS: run only as the entry point.
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
