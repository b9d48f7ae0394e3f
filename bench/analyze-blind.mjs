#!/usr/bin/env node
/**
 * analyze_query on the blind corpus (test/fixtures/analyze-blind): a multi-tenant SaaS help desk
 * (tenants, users 200k, events 2M, invoices 400k, tickets 300k) written without reading the
 * tool's implementation. Built once into dba_ab_eval on PostgreSQL (and a smaller copy on
 * MariaDB) and reused. Prints each query's verdict, then the issue's two figures: causes named
 * among queries that need an index or a rewrite, and queries that need nothing left without
 * index advice (blind cases, then with the post-hoc ones written after the fixes). Runs the
 * built binary over stdio (npm run build first).
 * Usage: node bench/analyze-blind.mjs [--engine postgres|mysql|all] [--plan-only] [--verbose]
 *   --plan-only: analyze=false on every query (the tool's default), instead of analyze=true
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { pgQueries, mysqlQueries } from '../test/fixtures/analyze-blind/queries.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    engine: { type: 'string', default: 'all' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
    mysql: { type: 'string', default: 'mysql://root@127.0.0.1:3306' },
    db: { type: 'string', default: 'dba_ab_eval' },
    'plan-only': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const fixture = (f) => fs.readFileSync(path.join(root, 'test/fixtures/analyze-blind', f), 'utf8');

async function ensurePostgres() {
  const schema = fixture('schema.sql');
  const version = String(schema.length); // a changed schema file rebuilds the database
  const admin = new pg.Client({ connectionString: `${opts.pg}/postgres` });
  await admin.connect();
  let ready = false;
  if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.db])).rowCount > 0) {
    const db = new pg.Client({ connectionString: `${opts.pg}/${opts.db}` });
    await db.connect();
    ready =
      (
        await db
          .query(`SELECT obj_description('tenants'::regclass) = $1 AS ok`, [version])
          .catch(() => ({ rows: [{ ok: false }] }))
      ).rows[0].ok === true;
    await db.end();
  }
  if (!ready) {
    const t = performance.now();
    await admin.query(`DROP DATABASE IF EXISTS ${opts.db}`);
    await admin.query(`CREATE DATABASE ${opts.db}`);
    const db = new pg.Client({ connectionString: `${opts.pg}/${opts.db}` });
    await db.connect();
    await db.query(schema);
    await db.query(`COMMENT ON TABLE tenants IS '${version}'`);
    await db.end();
    console.log(`built postgres ${opts.db} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  await admin.end();
}

async function ensureMysql() {
  const schema = fixture('schema.mysql.sql');
  const version = String(schema.length);
  const conn = await mysql.createConnection({ uri: opts.mysql, multipleStatements: true });
  const [rows] = await conn.query(
    'SELECT table_comment AS c FROM information_schema.tables WHERE table_schema = ? AND table_name = ?',
    [opts.db, 'tenants'],
  );
  if (rows[0]?.c !== version) {
    const t = performance.now();
    await conn.query(`DROP DATABASE IF EXISTS ${opts.db}; CREATE DATABASE ${opts.db}; USE ${opts.db}`);
    await conn.query(schema);
    await conn.query(`ALTER TABLE tenants COMMENT = '${version}'`);
    console.log(`built mysql ${opts.db} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  await conn.end();
}

/** Index advice: a finding whose fix creates an index or sends the user to propose_index. */
const ADVISES_INDEX = /CREATE INDEX|propose_index/i;

function judge(query, findings) {
  if (query.need === 'none') {
    const advice = findings.filter((f) => ADVISES_INDEX.test(f.fix ?? ''));
    return {
      ok: advice.length === 0,
      why: advice.map((f) => f.code).join(', ') || findings.map((f) => f.code).join(', '),
    };
  }
  const cols = query.columns.map((c) => c.split('.').pop());
  const named = findings.find(
    (f) =>
      query.codes.includes(f.code) &&
      cols.some((c) => new RegExp(`\\b${c}\\b`).test(`${JSON.stringify(f.evidence)} ${f.message} ${f.fix}`)),
  );
  return { ok: Boolean(named), why: named ? named.code : findings.map((f) => f.code).join(', ') || 'no finding' };
}

async function runEngine(name, dsn, queries) {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-analyze-blind-'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(root, 'dist/cli.js'), '--dsn', dsn],
    stderr: 'ignore',
    env: { ...process.env, DBA_MCP_STATE_DIR: stateDir },
  });
  const client = new Client({ name: 'analyze-blind', version: '0' });
  await client.connect(transport);
  const results = [];
  for (const q of queries) {
    const analyze = opts['plan-only'] ? false : (q.analyze ?? true);
    const res = await client.callTool({ name: 'analyze_query', arguments: { sql: q.sql, analyze } }, undefined, {
      timeout: 180_000,
    });
    const findings = res.isError ? [] : res.structuredContent.findings;
    const verdict = res.isError ? { ok: false, why: `error: ${res.content[0].text}` } : judge(q, findings);
    results.push({ q, ...verdict });
    console.log(
      `${verdict.ok ? 'ok  ' : 'MISS'} ${name.padEnd(8)} ${q.id.padEnd(30)} ${q.need.padEnd(7)} ${verdict.why}${q.posthoc ? '  (post-hoc)' : ''}`,
    );
    if (opts.verbose && !verdict.ok)
      console.log(`     ${q.sql}\n     ${res.content[0].text.split('\n').join('\n     ')}`);
  }
  await client.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
  return results;
}

function report(label, all) {
  const blind = all.filter((r) => !r.q.posthoc);
  figures(label, blind);
  if (blind.length < all.length) figures(`${label} + post-hoc`, all);
}

function figures(label, results) {
  const needy = results.filter((r) => r.q.need !== 'none');
  const fine = results.filter((r) => r.q.need === 'none');
  const pctOf = (xs) =>
    `${xs.filter((r) => r.ok).length}/${xs.length} = ${xs.length ? ((100 * xs.filter((r) => r.ok).length) / xs.length).toFixed(1) : '-'}%`;
  console.log(`\n[${label}] cause named (index or rewrite needed)  ${pctOf(needy)}   [target >= 90%]`);
  console.log(`[${label}] no index advice (nothing needed)        ${pctOf(fine)}   [target >= 90%]`);
  for (const r of results.filter((x) => !x.ok))
    console.log(`  miss ${r.q.id} (${r.q.need}${r.q.columns ? `: ${r.q.columns.join(', ')}` : ''}): ${r.why}`);
}

async function main() {
  const all = [];
  if (opts.engine === 'postgres' || opts.engine === 'all') {
    await ensurePostgres();
    const r = await runEngine('postgres', `${opts.pg}/${opts.db}`, pgQueries);
    report('postgres', r);
    all.push(...r);
  }
  if (opts.engine === 'mysql' || opts.engine === 'all') {
    await ensureMysql();
    const r = await runEngine('mariadb', `${opts.mysql}/${opts.db}`, mysqlQueries);
    report('mariadb', r);
    all.push(...r);
  }
  if (opts.engine === 'all') report('all', all);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
