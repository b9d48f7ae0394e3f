#!/usr/bin/env node
/**
 * Bundles src/ into dist/ with esbuild. One bundled entry starts far faster than the same code as
 * hundreds of ESM files (the MCP SDK, zod and ajv dominate start-up). Code splitting keeps the
 * database drivers, the HTTP transport and the demo builder in chunks loaded only when used.
 * better-sqlite3 (native) and the WASM parsers stay external.
 */
import { build } from 'esbuild';
import fs from 'node:fs';

fs.rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Native addon and WASM packages load their binaries from their own folders.
  external: ['better-sqlite3', 'pg-native', 'libpg-query', '@guanmingchiu/sqlparser-ts'],
  // Bundled CommonJS packages (pg, mysql2) call require() for Node built-ins.
  banner: { js: "import { createRequire as __dbaMcpRequire } from 'node:module'; const require = __dbaMcpRequire(import.meta.url);" },
  logLevel: 'warning',
});
// The SQLite read worker is plain JavaScript loaded by URL next to the engine's chunk.
fs.copyFileSync('src/engines/sqlite/read-worker.mjs', 'dist/read-worker.mjs');
fs.chmodSync('dist/cli.js', 0o755);
