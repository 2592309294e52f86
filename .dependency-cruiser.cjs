// Module graph rules, checked by `npm run check:deps`: no import cycles anywhere, and the
// shared packages never depend on a subgraph, the gateway or the launcher.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other in a circle are hard to change and to load.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'packages-stay-shared',
      severity: 'error',
      comment: 'packages/ is the shared kit; it must not depend on what uses it.',
      from: { path: '^packages/' },
      to: { path: '^(subgraphs|gateway|launcher|client-example)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // dist/: what `npm run build` compiles from src/, which is cruised itself.
    exclude: { path: '(^|/)(node_modules|__generated__|dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
