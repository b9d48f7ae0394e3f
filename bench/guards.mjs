#!/usr/bin/env node
/**
 * What the read-only guard costs per call: classify (real parser + function judgement) plus the
 * policy decision, for a typical query on each engine, p50 over many runs after warm-up. Budget
 * (issue: Guards): at most 0.10 ms added to the p50 of a typical query.
 * Below each engine's figure, the part no guard code can remove: for MySQL/MariaDB the sqlparser-rs
 * (WASM) parse of the text into its JavaScript AST, for SQLite SQLite's own prepare plus the
 * EXPLAIN program read back (what deny_tables, masking and the function check rely on).
 * Usage: node bench/guards.mjs [--pg postgres://...] [--mysql mysql://...]
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const { values: opts } = parseArgs({
  options: {
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    mysql: { type: 'string', default: 'mysql://root@127.0.0.1:3306/test' },
    runs: { type: 'string', default: '3000' },
  },
});
const RUNS = Number(opts.runs);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-guard-bench-'));
const out = path.join(process.cwd(), `.guard-bench-${process.pid}.mjs`); // inside the repo, so node_modules resolve
await build({
  entryPoints: ['bench/guard-entry.ts'],
  outfile: out,
  bundle: true,
  format: 'esm',
  platform: 'node',
  packages: 'external',
  logLevel: 'warning',
});
const { ENGINES, loadConfig, createLogger, judgeClassification, parseSqlparser } = await import(
  pathToFileURL(out).href
);
fs.rmSync(out);

const TYPICAL = `SELECT o.id, c.email, sum(i.quantity * i.unit_price_cents) AS total FROM orders o JOIN customers c ON c.id = o.customer_id
  JOIN order_items i ON i.order_id = o.id WHERE o.status = 'paid' AND o.created_at > '2025-03-01' GROUP BY o.id, c.email ORDER BY total DESC LIMIT 10`;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** p50 of `fn` on a text never seen before, after warm-up. */
async function p50(fn) {
  for (let i = 0; i < 300; i++) await fn(`${TYPICAL} /* warm ${i} */`);
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const text = `${TYPICAL} /* floor ${i} */`;
    const t = performance.now();
    await fn(text);
    times.push(performance.now() - t);
  }
  return median(times);
}

async function measure(label, dsn, sql) {
  const source = loadConfig({ dsn: [dsn] }, {}).sources[0];
  const engine = (await ENGINES[source.parsed.engine].load()).createEngine(source, {
    logger: createLogger({ level: 'silent' }),
  });
  try {
    for (let i = 0; i < 300; i++) judgeClassification(await engine.classify(`${sql} /* warm ${i} */`));
    const time = async (text) => {
      const t = performance.now();
      judgeClassification(await engine.classify(text));
      return performance.now() - t;
    };
    const first = [];
    const repeated = [];
    for (let i = 0; i < RUNS; i++) {
      first.push(await time(`${sql} /* run ${i} */`)); // a text never seen: nothing cached
      repeated.push(await time(sql)); // the same text again, as a parametrized query is re-run
    }
    const verdict = judgeClassification(await engine.classify(sql));
    console.log(
      `${label.padEnd(10)} classify + policy p50: new text ${median(first).toFixed(3)} ms, repeated text ${median(repeated).toFixed(3)} ms  (verdict: ${verdict.decision})   [budget 0.10 ms]`,
    );
  } catch (err) {
    console.log(`${label.padEnd(10)} not measured: ${err.message}`);
  } finally {
    await engine.close();
  }
}

function floors(shopFile) {
  return {
    mysql: async () => `sqlparser-rs parse alone ${(await p50((text) => parseSqlparser(text))).toFixed(3)} ms`,
    sqlite: async () => {
      const conn = new Database(shopFile, { readonly: true });
      try {
        const prepare = await p50((text) => conn.prepare(text).readonly);
        const explain = await p50((text) => conn.prepare(`EXPLAIN ${text}`).raw(true).all());
        return `SQLite prepare alone ${prepare.toFixed(3)} ms, EXPLAIN program read back ${explain.toFixed(3)} ms`;
      } finally {
        conn.close();
      }
    },
  };
}

const shop = path.join(tmp, 'shop.db');
const db = new Database(shop);
db.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT); CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INT, status TEXT, created_at TEXT);
  CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INT, quantity INT, unit_price_cents INT)`);
db.close();
console.log(
  `node ${process.version}, ${RUNS} runs per engine; typical query: a 3-table join with aggregate, filter, order and limit\n`,
);
await measure('postgres', opts.pg, TYPICAL); // the parser needs no tables; functions are judged by name
const floor = floors(shop);
await measure('mysql', opts.mysql, TYPICAL);
console.log(`${''.padEnd(10)} of which ${await floor.mysql()}`);
await measure('sqlite', `sqlite://${shop}`, TYPICAL);
console.log(`${''.padEnd(10)} of which ${await floor.sqlite()}`);
fs.rmSync(tmp, { recursive: true, force: true });
