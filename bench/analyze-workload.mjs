#!/usr/bin/env node
/**
 * analyze_query on a labelled workload (test/fixtures/analyze-workload): a shop database of
 * 100k to 2M-row tables, built once into its own database and reused. Prints, per query, what
 * analyze_query found, then the two figures of the issue: causes named among the queries that
 * need an index or a rewrite (target >= 90%), and queries that need nothing left without index
 * advice (target >= 90%). Runs the built binary over stdio (npm run build first).
 * Usage: node bench/analyze-workload.mjs [--server postgres://postgres@127.0.0.1:5432] [--db dba_an_eval] [--verbose]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { QUERIES } from '../test/fixtures/analyze-workload/queries.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
    db: { type: 'string', default: 'dba_an_eval' },
    verbose: { type: 'boolean', default: false },
  },
});
const SCHEMA = fs.readFileSync(path.join(root, 'test/fixtures/analyze-workload/schema.sql'), 'utf8');
const FIXTURE_VERSION = String(SCHEMA.length); // a changed schema file rebuilds the database

async function ensureDatabase() {
  const admin = new pg.Client({ connectionString: `${opts.server}/postgres` });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.db])).rowCount > 0;
  let ready = false;
  if (exists) {
    const db = new pg.Client({ connectionString: `${opts.server}/${opts.db}` });
    await db.connect();
    ready =
      (
        await db
          .query(`SELECT obj_description('countries'::regclass) = $1 AS ok`, [FIXTURE_VERSION])
          .catch(() => ({ rows: [{ ok: false }] }))
      ).rows[0].ok === true;
    await db.end();
  }
  if (!ready) {
    const t = performance.now();
    await admin.query(`DROP DATABASE IF EXISTS ${opts.db}`);
    await admin.query(`CREATE DATABASE ${opts.db}`);
    const db = new pg.Client({ connectionString: `${opts.server}/${opts.db}` });
    await db.connect();
    await db.query(SCHEMA);
    await db.query(`COMMENT ON TABLE countries IS '${FIXTURE_VERSION}'`);
    await db.end();
    console.log(`built ${opts.db} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  await admin.end();
}

const ADVISES_INDEX = /CREATE INDEX/i;

function judge(query, findings) {
  if (query.need === 'none') {
    const advice = findings.filter((f) => ADVISES_INDEX.test(f.fix));
    return { ok: advice.length === 0, why: advice.map((f) => f.code).join(', ') };
  }
  const named = findings.find(
    (f) =>
      query.codes.includes(f.code) &&
      query.columns.some((c) => new RegExp(`\\b${c}\\b`).test(`${JSON.stringify(f.evidence)} ${f.message} ${f.fix}`)),
  );
  return { ok: Boolean(named), why: named ? named.code : findings.map((f) => f.code).join(', ') || 'no finding' };
}

async function main() {
  await ensureDatabase();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-analyze-eval-'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(root, 'dist/cli.js'), '--dsn', `${opts.server}/${opts.db}`],
    stderr: 'ignore',
    env: { ...process.env, DBA_MCP_STATE_DIR: stateDir },
  });
  const client = new Client({ name: 'analyze-eval', version: '0' });
  await client.connect(transport);
  const results = [];
  for (const q of QUERIES) {
    const res = await client.callTool(
      { name: 'analyze_query', arguments: { sql: q.sql, analyze: q.analyze ?? true } },
      undefined,
      { timeout: 120_000 },
    );
    const findings = res.isError ? [] : res.structuredContent.findings;
    const verdict = res.isError ? { ok: false, why: `error: ${res.content[0].text}` } : judge(q, findings);
    results.push({ q, ...verdict });
    console.log(`${verdict.ok ? 'ok  ' : 'MISS'} ${q.id} ${q.need.padEnd(7)} ${verdict.why}`);
    if (opts.verbose && !verdict.ok)
      console.log(`     ${q.sql}\n     ${res.content[0].text.split('\n').join('\n     ')}`);
  }
  await client.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
  const needy = results.filter((r) => r.q.need !== 'none');
  const fine = results.filter((r) => r.q.need === 'none');
  const pctOf = (xs) =>
    `${xs.filter((r) => r.ok).length}/${xs.length} = ${((100 * xs.filter((r) => r.ok).length) / xs.length).toFixed(1)}%`;
  console.log(`\ncause named (index or rewrite needed)  ${pctOf(needy)}   [target >= 90%]`);
  console.log(`no index advice (nothing needed)        ${pctOf(fine)}   [target >= 90%]`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
