#!/usr/bin/env node
/**
 * Foundation budgets, measured over stdio against the built binary (npm run build first):
 *   - run_query p50 for SELECT 1 and a 100-row query, next to the raw pg driver's p50;
 *   - cold start: spawn to initialize response (median of several starts);
 *   - tools/list size; the 100-row text rendering against the rows as compact JSON.
 * Calls alternate one by one between dba-mcp and the raw driver so machine noise hits both alike;
 * run it a few times: this VM's timer and scheduler jitter is of the order of 0.1 ms.
 * Usage: node bench/run-query.mjs [--dsn postgres://...] [--calls 2000]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const { values: opts } = parseArgs({ options: { dsn: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' }, calls: { type: 'string', default: '2000' }, starts: { type: 'string', default: '15' } } });
const CALLS = Number(opts.calls);
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-bench-'));

const HUNDRED_ROWS = `SELECT g AS id, 'customer' || g || '@example.com' AS email, 'Customer Number ' || g AS full_name,
  (g * 12.5)::numeric(10,2) AS balance, timestamptz '2025-01-01 00:00:00+00' + g * interval '1 hour' AS created_at
  FROM generate_series(1, 100) g`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)];
const ms = (x) => `${x.toFixed(3)} ms`;

async function timeCalls(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function connect(args) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, ...args], stderr: 'ignore', env: { ...process.env, DBA_MCP_STATE_DIR: stateDir } });
  const client = new Client({ name: 'bench', version: '0' });
  await client.connect(transport);
  return client;
}

async function coldStart(args) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, DBA_MCP_STATE_DIR: stateDir }, stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdout.once('data', () => {
      resolve(performance.now() - t);
      child.kill();
    });
    child.once('error', reject);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '0' } } })}\n`);
  });
}

/** dba-mcp and the raw driver alternate call by call, so both meet the same machine. */
async function compare(label, client, pool, sql) {
  const mcp = [];
  const raw = [];
  for (let i = 0; i < CALLS; i++) {
    mcp.push(...(await timeCalls(1, () => client.callTool({ name: 'run_query', arguments: { sql } }))));
    raw.push(...(await timeCalls(1, () => pool.query(sql))));
  }
  const [m, w] = [median(mcp), median(raw)];
  console.log(`${label.padEnd(18)} dba-mcp p50 ${ms(m)} (p90 ${ms(pct(mcp, 0.9))})   raw pg p50 ${ms(w)}   added ${ms(m - w)}`);
  return m - w;
}

async function main() {
  console.log(`node ${process.version}, ${os.cpus().length} cores, ${CALLS} alternating calls per query\n`);
  const client = await connect(['--dsn', opts.dsn]);
  const pool = new pg.Pool({ connectionString: opts.dsn, max: 1 });
  for (let i = 0; i < 300; i++) {
    await client.callTool({ name: 'run_query', arguments: { sql: 'SELECT 1' } });
    await pool.query('SELECT 1');
  }
  const addedSelect1 = await compare('SELECT 1', client, pool, 'SELECT 1');
  await compare('100 rows', client, pool, HUNDRED_ROWS);

  const listed = await client.listTools();
  const hundred = await client.callTool({ name: 'run_query', arguments: { sql: HUNDRED_ROWS } });
  const text = hundred.content[0].text;
  const rowsJson = JSON.stringify(hundred.structuredContent.rows);
  await client.close();
  await pool.end();

  await coldStart([]); // creates the demo database once, outside the measurement
  const starts = [];
  for (let i = 0; i < Number(opts.starts); i++) starts.push(await coldStart([]));
  const startDsn = [];
  for (let i = 0; i < Number(opts.starts); i++) startDsn.push(await coldStart(['--dsn', opts.dsn]));

  const ratio = text.length / rowsJson.length;
  console.log(`\ncold start         p50 ${ms(median(starts))} (demo), ${ms(median(startDsn))} (--dsn postgres)   [budget 250 ms]`);
  console.log(`tools/list         ${JSON.stringify(listed).length} bytes for ${listed.tools.length} tools`);
  console.log(`100-row text       ${text.length} bytes vs ${rowsJson.length} bytes of compact JSON rows: ${ratio.toFixed(2)}x   [budget 1.2x]`);
  console.log(`SELECT 1 overhead  ${ms(addedSelect1)}   [budget 0.30 ms]`);
  fs.rmSync(stateDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
