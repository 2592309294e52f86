// Each scenario's latest results live in bench/results/<scenario>.md (charts beside them), so
// running one scenario updates its part; bench/REPORT.md is put together from all of them.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ScenarioReport, Scale } from '../scenarios/scenario.js';

const BENCH_DIR = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS_DIR = `${BENCH_DIR}results/`;
const CHARTS_DIR = `${RESULTS_DIR}charts/`;
export const REPORT_PATH = `${BENCH_DIR}REPORT.md`;

/** The machine and run, stated with every result (the numbers mean nothing without them). */
export function machineLine(scale: Scale): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${scale} scale; load generator on the same machine.`;
}

export async function writeScenarioResults(name: string, report: ScenarioReport, scale: Scale): Promise<void> {
  await mkdir(CHARTS_DIR, { recursive: true });
  for (const chart of report.charts) await writeFile(`${CHARTS_DIR}${chart.name}.svg`, chart.svg);
  const section = [
    `## ${report.title}`,
    '',
    `_${machineLine(scale)}_`,
    '',
    ...report.markdown,
    '',
    ...report.charts.map((chart) => `![${chart.title}](results/charts/${chart.name}.svg)`),
    '',
    ...report.checks.map((check) => `- ${check.ok ? '✔' : '✘ FAILED:'} ${check.what}`),
    '',
  ];
  await writeFile(`${RESULTS_DIR}${name}.md`, section.join('\n'));
}

/** REPORT.md: the header, then every scenario's latest section in `order`. */
export async function assembleReport(order: readonly string[]): Promise<string> {
  const present = new Set(await readdir(RESULTS_DIR).catch(() => [] as string[]));
  const sections = await Promise.all(
    order.filter((name) => present.has(`${name}.md`)).map((name) => readFile(`${RESULTS_DIR}${name}.md`, 'utf8')),
  );
  const report = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/src/run.ts); `npm run bench -- <scenario>` reruns one part.',
    'Numbers to read, never pass/fail thresholds. The machine is shared and noisy: compare the',
    'ratios within one table (measured in one run) rather than numbers across runs. What each',
    'change to Agora did to these numbers is in [OPTIMIZATIONS.md](OPTIMIZATIONS.md).',
    '',
    ...sections,
  ].join('\n');
  await writeFile(REPORT_PATH, report);
  return report;
}
