import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { stringify } from 'yaml';
import { renderTemplates, type Manifest } from './manifests.js';
import type { ChartValues } from './values.js';

/** Where `npm run render -w deploy` writes the committed chart. */
export const CHART_DIR = fileURLToPath(new URL('../chart/', import.meta.url));

const HEADER =
  '# Rendered by `npm run render -w deploy` from deploy/src (plain YAML, no Helm templating):\n' +
  '# change the generator or render with your own values, never this file by hand.\n';

/**
 * The chart's files by their path in the chart folder, formatted as Prettier formats them.
 * Throws when an object does not match its Kubernetes schema.
 */
export async function renderChart(values: ChartValues): Promise<Map<string, string>> {
  const templates = renderTemplates(values);
  for (const { manifests } of templates) manifests.forEach(validateManifest);
  const files = new Map<string, string>([
    ['Chart.yaml', toYaml(chartMetadata(values))],
    ['values.yaml', HEADER + toYaml(values)],
    ...templates.map(({ file, manifests }): [string, string] => [
      `templates/${file}`,
      HEADER + manifests.map((manifest) => toYaml(manifest.toJSON())).join('---\n'),
    ]),
  ]);
  const options = await resolveConfig(`${CHART_DIR}Chart.yaml`);
  for (const [path, text] of files) files.set(path, await format(text, { ...options, parser: 'yaml' }));
  return files;
}

function validateManifest(manifest: Manifest): void {
  try {
    manifest.validate();
  } catch (error) {
    throw new Error(`${manifest.kind} ${manifest.metadata?.name}: ${(error as Error).message}`);
  }
}

/** Long strings (PEM keys) stay on their lines; Prettier has the last word on layout. */
function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

function chartMetadata(values: ChartValues) {
  return {
    apiVersion: 'v2',
    name: 'agora',
    description: 'Agora, a GraphQL federation: six Apollo subgraphs and the gateway, on external PostgreSQL and Redis.',
    type: 'application',
    version: '0.1.0',
    appVersion: values.image.tag,
  };
}
