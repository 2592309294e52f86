// Throwaway: runs the shop scenario once (BENCH_SCALE=smoke|quick). Delete when done.
import type { BenchContext, Scale } from './scenarios/scenario.js';
import { shopLoop } from './scenarios/shop.js';
import { startAgoraUnderTest } from './system/agora.js';

const scale = (process.env['BENCH_SCALE'] ?? 'smoke') as Scale;
const agora = await startAgoraUnderTest(
  { databaseServerUrl: 'postgres://postgres@127.0.0.1:5432/postgres', redisUrl: 'redis://127.0.0.1:6379' },
  console.log,
);
try {
  const context: BenchContext = { agora, scale, peers: ['agora'], log: console.log, progress: console.log };
  const report = await shopLoop.run(context);
  console.log(report.markdown.join('\n'));
  for (const check of report.checks) console.log(`${check.ok ? 'OK ' : 'FAIL'} ${check.what}`);
  const { writeFile } = await import('node:fs/promises');
  for (const chart of report.charts) await writeFile(`/tmp/${chart.name}.svg`, chart.svg);
} finally {
  await agora.stop();
}
