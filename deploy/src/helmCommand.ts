// `npm run helm -w deploy -- <args>`: the helm of the dev dependency (see helm.ts), run from
// where npm was run, e.g. `npm run helm -w deploy -- lint deploy/chart`.
import { spawn } from 'node:child_process';
import { findHelm } from './helm.js';

const helm = await findHelm();
spawn(helm, process.argv.slice(2), { stdio: 'inherit', cwd: process.env['INIT_CWD'] ?? process.cwd() }).on(
  'exit',
  (code) => {
    process.exitCode = code ?? 1;
  },
);
