#!/usr/bin/env node
/**
 * Bundles src/ into dist/ with esbuild. One bundled entry starts far faster than the same code as
 * hundreds of ESM files (the MCP SDK, zod and ajv dominate start-up). Code splitting keeps the
 * database drivers, the HTTP transport and the demo builder in chunks loaded only when used.
 * better-sqlite3 (native) and the WASM parsers stay external.
 */
import { build } from 'esbuild';
import fs from 'node:fs';

// Built beside dist/ and swapped in, so a test run using dist/ meanwhile never finds it missing.
const out = `dist.${process.pid}.tmp`;
fs.rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Native addon and WASM packages load their binaries from their own folders.
  external: ['better-sqlite3', 'pg-native', 'libpg-query', '@guanmingchiu/sqlparser-ts'],
  // Bundled CommonJS packages (pg, mysql2) call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __dbaMcpRequire } from 'node:module'; const require = __dbaMcpRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
// The SQLite read worker is plain JavaScript loaded by URL next to the engine's chunk.
fs.copyFileSync('src/engines/sqlite/core/read-worker.mjs', `${out}/read-worker.mjs`);
fs.chmodSync(`${out}/cli.js`, 0o755);
const old = `dist.${process.pid}.old`;
if (fs.existsSync('dist')) fs.renameSync('dist', old);
fs.renameSync(out, 'dist');
fs.rmSync(old, { recursive: true, force: true });
