// Once before any test: `npm run build`, so that tests starting compiled processes (the bench's
// smoke run, launcher/src/__tests__/compiled.test.ts) run today's sources, never a stale or
// missing dist/. esbuild, file by file: about a second.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildDist() {
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'deploy/src/build.ts'], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}
