// `npm run render -w deploy [-- --values my-values.yaml --out my-chart]`: writes the chart,
// by default the committed one (deploy/chart) from the default values. Relative paths are
// taken from where npm was run.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { CHART_DIR, renderChart } from './chart.js';
import { DEFAULT_VALUES, mergeValues } from './values.js';

const { values: args } = parseArgs({ options: { values: { type: 'string' }, out: { type: 'string' } } });
const from = process.env['INIT_CWD'] ?? process.cwd();
const out = args.out === undefined ? CHART_DIR : resolve(from, args.out);

try {
  // Your own values may carry real secrets: they never go into the committed chart folder.
  if (args.values !== undefined && args.out === undefined) {
    throw new Error('--values needs --out: the default folder, deploy/chart, is committed');
  }
  const values =
    args.values === undefined
      ? DEFAULT_VALUES
      : mergeValues(DEFAULT_VALUES, parse(await readFile(resolve(from, args.values), 'utf8')));
  const files = await renderChart(values);
  // A service or file that is gone must not leave its old template behind.
  await rm(join(out, 'templates'), { recursive: true, force: true });
  for (const [path, text] of files) {
    await mkdir(dirname(join(out, path)), { recursive: true });
    await writeFile(join(out, path), text);
  }
  console.log(`wrote ${files.size} files to ${relative(from, out) || '.'}`);
} catch (error) {
  console.error(`render failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
