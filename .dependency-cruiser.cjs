/**
 * The layers of ../DESIGN.md §2 (docs/architecture.md), checked by `npm run lint` and CI.
 * Type-only imports count: a type import is still a dependency a reader has to follow.
 */
// An engine's folder: any folder of src/engines/ but the shared contract and kit.
const ENGINE = '((?!contract/|kit/)[^/]+)';
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circle, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-nothing',
      severity: 'error',
      comment: 'core/ is the bottom layer.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'contract-and-kit-stay-low',
      severity: 'error',
      comment: 'engines/contract and engines/kit import only core/ and each other.',
      from: { path: '^src/engines/(contract|kit)/' },
      to: { path: '^src/', pathNot: '^src/(core|engines/contract|engines/kit)/' },
    },
    {
      name: 'engines-import-core-contract-kit-own',
      severity: 'error',
      comment: 'An engine imports only core/, engines/contract, engines/kit and its own folder.',
      from: { path: `^src/engines/${ENGINE}/` },
      to: { path: '^src/', pathNot: ['^src/(core|engines/contract|engines/kit)/', `^src/engines/$1/`] },
    },
    {
      name: 'engine-folders-only-through-registry',
      severity: 'error',
      comment: 'Outside engines/, an engine is reached through engines/registry.ts and the contract, never its folder.',
      from: { path: '^src/', pathNot: '^src/engines/' },
      to: { path: `^src/engines/${ENGINE}/` },
    },
    {
      name: 'tool-folders-independent',
      severity: 'error',
      comment: 'A tool folder never imports another tool folder (shared code sits in src/tools/*.ts or lower).',
      from: { path: '^src/tools/([^/]+)/' },
      to: { path: '^src/tools/[^/]+/', pathNot: '^src/tools/$1/' },
    },
    {
      name: 'guards-below-tools',
      severity: 'error',
      comment:
        'Guards judge what tools declare (their shapes are in guards/types.ts); they never import the tools, the approvals or the audit.',
      from: { path: '^src/guards/' },
      to: { path: '^src/(tools|approvals|audit|resources|prompts|commands)/' },
    },
    {
      name: 'drivers-only-in-engines',
      severity: 'error',
      comment: 'Database drivers and parsers only under src/engines/.',
      from: { path: '^src/', pathNot: '^src/engines/' },
      to: { path: '(^|node_modules/)(pg|pg-native|mysql2|better-sqlite3|libpg-query|@guanmingchiu/sqlparser-ts)(/|$)' },
    },
    {
      name: 'sdk-only-at-the-edge',
      severity: 'error',
      comment: 'The MCP SDK only in server.ts, pipeline/ and transports/.',
      from: { path: '^src/', pathNot: '^src/(server\\.ts|pipeline/|transports/)' },
      to: { path: '(^|node_modules/)@modelcontextprotocol/sdk(/|$)' },
    },
    {
      name: 'lower-layers-never-import-the-pipeline',
      severity: 'error',
      comment: 'Only server.ts, transports/ and main.ts build on the pipeline.',
      from: { path: '^src/', pathNot: '^src/(server\\.ts|main\\.ts|pipeline/|transports/)' },
      to: { path: '^src/(pipeline/|server\\.ts|transports/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' },
  },
};
