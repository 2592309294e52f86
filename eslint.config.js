// A small config for correctness, not style (Prettier owns style): promises are awaited,
// switches are exhaustive, and no subgraph reaches into another's code. Import cycles are
// dependency-cruiser's job (.dependency-cruiser.cjs).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
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
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...subgraphBoundaries,
  { files: ['**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable' } } },
  prettier,
);
