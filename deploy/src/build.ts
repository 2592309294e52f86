// `npm run build`: each workspace that production or the bench runs gets its src/ compiled to
// JavaScript in its own dist/, file by file (no bundle), so that `node --conditions=agora-compiled`
// loads dist/ through the `agora-compiled` export condition with no transpiler and no source maps
// at run time. Files read beside the code (`new URL('../schema.graphql', import.meta.url)`, the
// migrations, the supergraph) are found from dist/ as from src/: same depth, same package.
//
// esbuild, as tsx uses at run time, so what runs compiled is what ran through tsx. It does not
// type-check: `npm run check:types` does (the Dockerfile runs both).
import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** What runs compiled: the image (launcher and everything it imports) and the bench's processes. */
export const COMPILED_WORKSPACES = [
  'packages/errors',
  'packages/config',
  'packages/db',
  'packages/adapters',
  'packages/service',
  'packages/testkit',
  'subgraphs/users',
  'subgraphs/inventory',
  'subgraphs/orders',
  'subgraphs/financial',
  'subgraphs/petitions',
  'subgraphs/signatures',
  'gateway',
  'schema',
  'launcher',
  'bench',
] as const;

/** A workspace's sources, tests left out (they run on sources, under jest). */
async function listSources(srcDir: string): Promise<string[]> {
  const entries = await readdir(srcDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.split(path.sep).includes('__tests__'));
}

/**
 * Compiles one workspace's src/ into a fresh dist/ (a source deleted leaves nothing behind),
 * written beside it and swapped in: a process running from dist/ meanwhile (a test, the bench)
 * never finds it half written or gone for longer than two renames.
 */
async function buildWorkspace(workspace: string): Promise<number> {
  const dir = path.join(REPO_DIR, workspace);
  const dist = path.join(dir, 'dist');
  const next = path.join(dir, `.dist-next-${process.pid}`);
  const old = path.join(dir, `.dist-old-${process.pid}`);
  const entryPoints = await listSources(path.join(dir, 'src'));
  await build({
    entryPoints,
    outbase: path.join(dir, 'src'),
    outdir: next,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Imports stay as written ('./x.js', '@agora/db'); Node resolves them, packages by condition.
    bundle: false,
    sourcemap: false,
    logLevel: 'warning',
    absWorkingDir: REPO_DIR,
  }).catch(async (error: unknown) => {
    await rm(next, { recursive: true, force: true });
    throw error;
  });
  await rename(dist, old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(next, dist);
  await rm(old, { recursive: true, force: true });
  return entryPoints.length;
}

export async function buildAll(): Promise<void> {
  const began = performance.now();
  const counts = await Promise.all(COMPILED_WORKSPACES.map(buildWorkspace));
  const files = counts.reduce((sum, count) => sum + count, 0);
  process.stdout.write(
    `compiled ${files} files in ${COMPILED_WORKSPACES.length} workspaces into their dist/ in ${Math.round(performance.now() - began)} ms\n`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildAll();
