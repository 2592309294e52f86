// One base config, one jest project per workspace (as apollo-server does), so
// `npm test -- --selectProjects users` runs one subgraph's tests.
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));
const workspaces = [
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
  'client-example',
  'bench',
  'deploy',
];

/** @type {import('jest').Config} */
const base = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/__tests__/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // Sources import siblings as './x.js' (NodeNext); jest resolves the .ts file.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: `${repoRoot}tsconfig.json` }],
  },
};

/** @type {import('jest').Config} */
export default {
  projects: workspaces.map((dir) => ({
    ...base,
    displayName: dir.split('/').pop(),
    rootDir: `${repoRoot}${dir}`,
  })),
  globalSetup: `${repoRoot}jest.globalSetup.js`,
  maxWorkers: 2,
  testTimeout: 30_000,
};
