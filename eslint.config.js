import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Engine facts stay in src/engines/: nothing else compares with, or switches on, an engine's name.
    files: ['src/**/*.ts'],
    ignores: ['src/engines/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Literal[value=/^(postgres|postgresql|pg|mysql|mariadb|sqlite|sqlite3)$/i]',
          message: 'An engine name outside src/engines/: ask the engine (capabilities, contract) instead.',
        },
      ],
    },
  },
  {
    // stdout is the JSON-RPC channel in stdio mode: nothing in src/ may print to it, but the
    // command-line paths that never serve MCP (--help, --version, dba-mcp audit|approvals).
    files: ['src/**/*.ts'],
    ignores: ['src/cli.ts', 'src/commands/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'stdout', message: 'stdout carries JSON-RPC in stdio mode: log to stderr.' },
      ],
    },
  },
  { files: ['src/cli.ts', 'src/commands/**'], rules: { 'no-console': 'error' } },
);
