#!/usr/bin/env node
/**
 * Blind propose_index evaluation (issue #6 "Done when") on a second, independently written
 * PostgreSQL workload: parcel logistics (test/fixtures/index-blind/: schema.sql with 1-2M-row
 * shipments/parcels/scans and planted duplicate/redundant indexes; queries.json with the leading
 * key columns a DBA would accept, or "none"). Builds the database dba_ib_eval once (reused when
 * present; --rebuild to redo), creates HypoPG in it, then calls propose_index {sql} per query
 * through the built binary (run `node scripts/build.mjs` first) and prints:
 *   - acceptable proposals among queries that need an index (target >= 85%);
 *   - proposals on queries that need none (target <= 10%);
 *   - proposals duplicating (equal to, or a prefix of) an existing index, from the catalog (target 0);
 * and every miss.
 * Ids b.. and n.. were written blind (before the implementation was read); c.. and m.. came afterwards:
 * --blind-only scores the first set alone.
 * Usage: node bench/index-blind.mjs [--dsn URL-without-database] [--only b01,n02] [--blind-only] [--rebuild] [--verbose] [--json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = path.join(root, 'test', 'fixtures', 'index-blind');
const cli = path.join(root, 'dist', 'cli.js');
const { values: opts } = parseArgs({
  options: {
    dsn: { type: 'string' },
    only: { type: 'string' },
    'blind-only': { type: 'boolean', default: false },
    rebuild: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const DB = 'dba_ib_eval';
const base = (opts.dsn ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '');
const dsn = `${base}/${DB}`;

const norm = (s) =>
  s
    .toLowerCase()
    .replace(/::text\b/g, '')
    .replace(/\s+((text|varchar|bpchar)_pattern_ops|collate\s+"?c"?)\b/g, '')
    .replace(/["`\s()]/g, '');

function splitTop(list) {
  const parts = [];
  let depth = 0;
  let cur = '';
  for (const ch of list) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

async function ensure() {
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB])).rowCount > 0;
    let build = !exists || opts.rebuild;
    if (exists && !opts.rebuild) {
      const c = new pg.Client({ connectionString: dsn });
      await c.connect();
      build = !(await c.query(`SELECT to_regclass('public.scans') IS NOT NULL AS ok`)).rows[0].ok;
      await c.end();
    }
    if (build) {
      if (exists) await admin.query(`DROP DATABASE ${DB} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${DB}`);
      const c = new pg.Client({ connectionString: dsn });
      await c.connect();
      const started = performance.now();
      const [load, ...rest] = fs.readFileSync(path.join(fixtures, 'schema.sql'), 'utf8').split(/^VACUUM ANALYZE;$/m);
      await c.query(load);
      if (rest.length) await c.query('VACUUM ANALYZE');
      process.stderr.write(`built ${DB} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      await c.end();
    }
  } finally {
    await admin.end();
  }
  const c = new pg.Client({ connectionString: dsn });
  await c.connect();
  await c.query('CREATE EXTENSION IF NOT EXISTS hypopg');
  const rows = (await c.query(`SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'`)).rows;
  await c.end();
  return rows
    .map((r) => {
      const m = /USING (\w+) \((.*)\)(?: INCLUDE| WHERE|$)/.exec(r.indexdef);
      return m
        ? { table: r.tablename, method: m[1], keys: splitTop(m[2]).map(norm), partial: / WHERE /.test(r.indexdef) }
        : undefined;
    })
    .filter(Boolean);
}

const startsWith = (keys, prefix) => prefix.length <= keys.length && prefix.every((k, i) => keys[i] === k);

function acceptable(p, alt) {
  const a = Array.isArray(alt) ? { columns: alt } : alt;
  if (!startsWith(p.keys, a.columns.map(norm))) return false;
  return a.where ? Boolean(p.where && p.where.toLowerCase().includes(a.where.toLowerCase())) : true;
}

async function main() {
  const existing = await ensure();
  const { queries } = JSON.parse(fs.readFileSync(path.join(fixtures, 'queries.json'), 'utf8'));
  const only = opts.only ? new Set(opts.only.split(',')) : undefined;
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-ibbench-'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cli, '--dsn', dsn, '--state-dir', stateDir],
    stderr: 'ignore',
  });
  const client = new Client({ name: 'index-blind-bench', version: '0' });
  await client.connect(transport);
  const score = { need: 0, acceptable: 0, none: 0, falseProposals: 0, duplicates: 0, errors: 0 };
  const lines = [];
  const misses = [];
  const started = performance.now();
  for (const q of queries) {
    if ((only && !only.has(q.id)) || (opts['blind-only'] && !/^[bn]/.test(q.id))) continue;
    const res = await client.callTool({ name: 'propose_index', arguments: { sql: q.sql } });
    const needsNone = q.expect === 'none';
    if (needsNone) score.none++;
    else score.need++;
    if (res.isError) {
      score.errors++;
      const line = `${q.id} ERROR ${res.content[0]?.text}`;
      lines.push(line);
      misses.push(line);
      continue;
    }
    const out = res.structuredContent;
    const props = out.proposals.map((p) => ({
      table: p.table.split('.').pop(),
      keys: p.columns.map(norm),
      method: p.method,
      where: p.where,
      by: p.verified_by,
    }));
    let dup = false;
    for (const p of props) {
      if (
        existing.some(
          (ix) =>
            ix.table === p.table && !ix.partial && !p.where && ix.method === p.method && startsWith(ix.keys, p.keys),
        )
      ) {
        score.duplicates++;
        dup = true;
      }
    }
    let verdict;
    if (needsNone) {
      if (props.length) score.falseProposals++;
      verdict = props.length ? 'FALSE-PROPOSAL' : 'ok (none)';
    } else {
      const good = props.some((p) => p.table === q.table && q.expect.some((alt) => acceptable(p, alt)));
      if (good) score.acceptable++;
      verdict = good ? 'ok' : props.length ? 'WRONG' : 'MISSED';
    }
    if (dup) verdict += '+DUP';
    const shown =
      props
        .map(
          (p) =>
            `${p.table}(${p.keys.join(',')})${p.method !== 'btree' ? ` ${p.method}` : ''}${p.where ? ` where ${p.where}` : ''} [${p.by}]`,
        )
        .join('; ') ||
      out.no_change
        .map((n) => n.reason)
        .join('; ')
        .slice(0, 160);
    const line = `${q.id} ${verdict.padEnd(15)} ${shown}`;
    lines.push(line);
    if (!verdict.startsWith('ok') || dup)
      misses.push(`${line}\n     ${q.sql}\n     expected: ${JSON.stringify(q.expect)} (${q.note})`);
    if (opts.verbose) lines.push(JSON.stringify(out.queries), JSON.stringify(out.proposals));
  }
  await client.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
  const seconds = (performance.now() - started) / 1000;
  const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ ...score, acceptable_rate: score.need ? score.acceptable / score.need : null, false_rate: score.none ? score.falseProposals / score.none : null, seconds })}\n`,
    );
    return;
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
  process.stdout.write(`${misses.length ? `misses:\n${misses.join('\n')}\n\n` : 'no misses\n\n'}`);
  process.stdout.write(
    `${opts['blind-only'] ? 'blind set only' : 'blind + post-hoc sets'}, postgres: ${score.need + score.none} queries (${score.need} need an index, ${score.none} need none), ${seconds.toFixed(1)} s, ${score.errors} errors\n`,
  );
  process.stdout.write(
    `acceptable proposals among queries that need one: ${score.acceptable}/${score.need} = ${pct(score.acceptable, score.need)} (target >= 85%)\n`,
  );
  process.stdout.write(
    `proposals on queries that need none: ${score.falseProposals}/${score.none} = ${pct(score.falseProposals, score.none)} (target <= 10%)\n`,
  );
  process.stdout.write(`proposals duplicating an existing index: ${score.duplicates} (target 0)\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
