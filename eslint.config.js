// A small config for correctness, not style (Prettier owns style): promises are awaited,
// switches are exhaustive, modules do not import each other in a circle, and no subgraph
// reaches into another's code.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const SUBGRAPHS = ['users', 'inventory', 'orders', 'financial', 'petitions', 'signatures'];

/** In subgraphs/<name>, importing any other subgraph (by package or by path) is an error. */
const subgraphBoundaries = SUBGRAPHS.map((name) => ({
  files: [`subgraphs/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: SUBGRAPHS.filter((other) => other !== name).flatMap((other) => [
          { group: [`@agora/${other}`, `@agora/${other}/*`], message: 'A subgraph talks to another only over HTTP.' },
          {
            group: [`**/subgraphs/${other}/**`, `../../${other}/**`],
            message: 'A subgraph talks to another only over HTTP.',
          },
        ]),
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/__generated__/**',
      'coverage/**',
      '.agora/**',
      'client-example/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
    },
  },
  ...subgraphBoundaries,
  { files: ['**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
  prettier,
);
