#!/usr/bin/env node
/**
 * propose_index evaluation (issue #6 "Done when"), against the built binary over stdio (run
 * `node scripts/build.mjs` first). PostgreSQL (default): builds the database dba_ix_eval once from
 * test/fixtures/index-workload/schema.sql (2M-row orders table, planted duplicate indexes; reused
 * when present). --engine sqlite|mysql: the same schema at a tenth of the rows
 * (schema-sqlite.sql in a file under the temp dir, schema-mysql.sql in the MariaDB database
 * dba_ix_eval), with the queries their dialect can run. Then it calls propose_index {sql} once per
 * query of queries.json and scores:
 *   - acceptable: among queries that need an index, a proposal on the expected table whose leading
 *     key columns start with one a DBA would pick (target >= 85%);
 *   - false proposals: among queries that need none, any proposal (target <= 10%);
 *   - duplicates: a proposal whose key equals, or is a prefix of, an existing index (target 0),
 *     checked against the catalog by this script, not by the tool.
 * Usage: node bench/index-workload.mjs [--engine postgres|sqlite|mysql] [--dsn URL-without-database] [--only q01,q02] [--rebuild] [--verbose] [--json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import mysql from 'mysql2/promise';
import Database from 'better-sqlite3';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = path.join(root, 'test', 'fixtures', 'index-workload');
const cli = path.join(root, 'dist', 'cli.js');
const { values: opts } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    dsn: { type: 'string' },
    only: { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const DB = 'dba_ix_eval';

/** Queries the smaller engines cannot run as written (PostgreSQL syntax or functions), left out of their subsets. */
const NOT_IN_SUBSET = {
  sqlite: { q14: 'a ::date cast', q23: 'ILIKE', q28: 'now()', q42: "now() - interval '1 day'" },
  mysql: { q08: 'the JSON operator ->> on MariaDB', q14: 'a ::date cast', q23: 'ILIKE', q42: "interval '1 day'" },
  postgres: {},
};

const norm = (s) =>
  s
    .toLowerCase()
    .replace(/::text\b/g, '')
    .replace(/\s+((text|varchar|bpchar)_pattern_ops|collate\s+nocase)\b/g, '')
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

const ENGINES = {
  postgres: {
    base: () => (opts.dsn ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, ''),
    dsn() {
      return `${this.base()}/${DB}`;
    },
    async ensure() {
      const admin = new pg.Client({ connectionString: `${this.base()}/postgres` });
      await admin.connect();
      try {
        const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB])).rowCount > 0;
        if (exists && !opts.rebuild) {
          const c = new pg.Client({ connectionString: this.dsn() });
          await c.connect();
          const ok = (await c.query(`SELECT to_regclass('public.events') IS NOT NULL AS ok`)).rows[0].ok;
          await c.end();
          if (ok) return;
        }
        if (exists) await admin.query(`DROP DATABASE ${DB} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${DB}`);
        const c = new pg.Client({ connectionString: this.dsn() });
        await c.connect();
        // one multi-statement query runs as one transaction; VACUUM cannot, so it runs on its own
        const [load, ...rest] = fs.readFileSync(path.join(fixtures, 'schema.sql'), 'utf8').split(/^VACUUM ANALYZE;$/m);
        await timed(async () => {
          await c.query(load);
          if (rest.length) await c.query('VACUUM ANALYZE');
        });
        await c.end();
      } finally {
        await admin.end();
      }
    },
    /** Existing index keys per table, from pg_indexes.indexdef. */
    async existing() {
      const c = new pg.Client({ connectionString: this.dsn() });
      await c.connect();
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
    },
  },
  sqlite: {
    file: path.join(os.tmpdir(), `${DB}.db`),
    dsn() {
      return `sqlite://${this.file}`;
    },
    async ensure() {
      if (fs.existsSync(this.file) && !opts.rebuild) return;
      fs.rmSync(this.file, { force: true });
      const db = new Database(this.file);
      await timed(async () => db.exec(fs.readFileSync(path.join(fixtures, 'schema-sqlite.sql'), 'utf8')));
      db.close();
    },
    async existing() {
      const db = new Database(this.file, { readonly: true });
      const out = [];
      for (const { name, tbl_name: table, sql } of db
        .prepare(`SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'index'`)
        .all()) {
        const keys = db
          .prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno')
          .all(name)
          .map((r) => norm(r.name ?? 'expr'));
        out.push({ table, method: 'btree', keys, partial: / WHERE /i.test(sql ?? '') });
      }
      db.close();
      return out;
    },
  },
  mysql: {
    base: () => (opts.dsn ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, ''),
    dsn() {
      return `${this.base()}/${DB}`;
    },
    async ensure() {
      const admin = await mysql.createConnection({ uri: `${this.base()}/mysql`, multipleStatements: true });
      try {
        const [rows] = await admin.query(
          `SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'events'`,
          [DB],
        );
        if (rows[0].n > 0 && !opts.rebuild) return;
        await admin.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; USE ${DB}`);
        await timed(() => admin.query(fs.readFileSync(path.join(fixtures, 'schema-mysql.sql'), 'utf8')));
      } finally {
        await admin.end();
      }
    },
    async existing() {
      const c = await mysql.createConnection({ uri: this.dsn() });
      const [rows] = await c.query(
        `SELECT TABLE_NAME AS t, INDEX_NAME AS i, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS cols FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? GROUP BY 1, 2`,
        [DB],
      );
      await c.end();
      return rows.map((r) => ({
        table: r.t,
        method: 'btree',
        keys: String(r.cols).split(',').map(norm),
        partial: false,
      }));
    },
  },
};

async function timed(fn) {
  const started = performance.now();
  await fn();
  process.stderr.write(
    `built the ${opts.engine} evaluation database in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

const startsWith = (keys, prefix) => prefix.length <= keys.length && prefix.every((k, i) => keys[i] === k);

async function main() {
  const engine = ENGINES[opts.engine];
  if (!engine) throw new Error(`--engine must be postgres, sqlite or mysql, not ${opts.engine}`);
  await engine.ensure();
  const existing = await engine.existing();
  const { queries } = JSON.parse(fs.readFileSync(path.join(fixtures, 'queries.json'), 'utf8'));
  const only = opts.only ? new Set(opts.only.split(',')) : undefined;
  const left = NOT_IN_SUBSET[opts.engine];
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-ixbench-'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cli, '--dsn', engine.dsn(), '--state-dir', stateDir],
    stderr: 'ignore',
  });
  const client = new Client({ name: 'index-workload-bench', version: '0' });
  await client.connect(transport);
  const score = {
    need: 0,
    acceptable: 0,
    none: 0,
    falseProposals: 0,
    duplicates: 0,
    errors: 0,
    skipped: Object.keys(left).length,
  };
  const lines = [];
  const started = performance.now();
  for (const q of queries) {
    if ((only && !only.has(q.id)) || left[q.id]) continue;
    const res = await client.callTool({ name: 'propose_index', arguments: { sql: q.sql } });
    if (q.need === 'none') score.none++;
    else score.need++;
    if (res.isError) {
      score.errors++;
      lines.push(`${q.id} ERROR ${res.content[0]?.text}`);
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
    for (const p of props) {
      if (
        existing.some(
          (ix) =>
            ix.table === p.table && !ix.partial && !p.where && ix.method === p.method && startsWith(ix.keys, p.keys),
        )
      )
        score.duplicates++;
    }
    let verdict;
    if (q.need === 'none') {
      if (props.length) score.falseProposals++;
      verdict = props.length ? 'FALSE-PROPOSAL' : 'ok (none)';
    } else {
      const wanted = q.need.map((k) => k.map(norm));
      const good = props.some((p) => p.table === q.table && wanted.some((w) => startsWith(p.keys, w)));
      if (good) score.acceptable++;
      verdict = good ? 'ok' : props.length ? 'WRONG' : 'MISSED';
    }
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
        .slice(0, 140);
    lines.push(`${q.id} ${verdict.padEnd(15)} ${shown}`);
    if (opts.verbose) lines.push(JSON.stringify(out.queries), JSON.stringify(out.proposals));
  }
  await client.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
  const seconds = (performance.now() - started) / 1000;
  const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ engine: opts.engine, ...score, acceptable_rate: score.need ? score.acceptable / score.need : null, false_rate: score.none ? score.falseProposals / score.none : null, seconds })}\n`,
    );
    return;
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
  const skipped = Object.entries(left)
    .map(([id, why]) => `${id} (${why})`)
    .join(', ');
  process.stdout.write(
    `${opts.engine}: ${score.need + score.none} queries (${score.need} need an index, ${score.none} need none), ${seconds.toFixed(1)} s, ${score.errors} errors${skipped ? `; left out: ${skipped}` : ''}\n`,
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
