#!/usr/bin/env node
/**
 * What the read-only guard costs per call: classify (real parser + function judgement) plus the
 * policy decision, for a typical query on each engine, p50 over many runs after warm-up. Budget
 * (issue: Guards): at most 0.10 ms added to the p50 of a typical query.
 * Usage: node bench/guards.mjs [--pg postgres://...] [--mysql mysql://...]
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

const { values: opts } = parseArgs({ options: { pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' }, mysql: { type: 'string', default: 'mysql://root@127.0.0.1:3306/test' }, runs: { type: 'string', default: '3000' } } });
const RUNS = Number(opts.runs);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-guard-bench-'));
const out = path.join(process.cwd(), `.guard-bench-${process.pid}.mjs`); // inside the repo, so node_modules resolve
await build({ entryPoints: ['bench/guard-entry.ts'], outfile: out, bundle: true, format: 'esm', platform: 'node', packages: 'external', logLevel: 'warning' });
const { ENGINES, loadConfig, createLogger, judgeClassification } = await import(pathToFileURL(out).href);
fs.rmSync(out);

const TYPICAL = `SELECT o.id, c.email, sum(i.quantity * i.unit_price_cents) AS total FROM orders o JOIN customers c ON c.id = o.customer_id
  JOIN order_items i ON i.order_id = o.id WHERE o.status = 'paid' AND o.created_at > '2025-03-01' GROUP BY o.id, c.email ORDER BY total DESC LIMIT 10`;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function measure(label, dsn, sql) {
  const source = loadConfig({ dsn: [dsn] }, {}).sources[0];
  const engine = (await ENGINES[source.parsed.engine].load()).createEngine(source, { logger: createLogger({ level: 'silent' }) });
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
    console.log(`${label.padEnd(10)} classify + policy p50: new text ${median(first).toFixed(3)} ms, repeated text ${median(repeated).toFixed(3)} ms  (verdict: ${verdict.decision})   [budget 0.10 ms]`);
  } catch (err) {
    console.log(`${label.padEnd(10)} not measured: ${err.message}`);
  } finally {
    await engine.close();
  }
}

const shop = path.join(tmp, 'shop.db');
const db = new Database(shop);
db.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT); CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INT, status TEXT, created_at TEXT);
  CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INT, quantity INT, unit_price_cents INT)`);
db.close();
console.log(`node ${process.version}, ${RUNS} runs per engine; typical query: a 3-table join with aggregate, filter, order and limit\n`);
await measure('postgres', opts.pg, TYPICAL); // the parser needs no tables; functions are judged by name
await measure('mysql', opts.mysql, TYPICAL);
await measure('sqlite', `sqlite://${shop}`, TYPICAL);
fs.rmSync(tmp, { recursive: true, force: true });
