#!/usr/bin/env node
/**
 * What the audit log adds to a call, measured in-process: the p50/p90 of one `record()` of a
 * typical run_query record (redact, fingerprint, canonical JSON, sha256, one synchronous append),
 * next to a NullSink; with `redact_literals` on PostgreSQL it also runs libpg-query's normalizer.
 * The server cannot run with the audit off, so this is the figure for the budget (0.10 ms p50).
 * A hot loop flatters it: inside a server that idles between calls, caches are cold and one
 * record measured 50-60 µs; an A/B of two servers (audit vs a NullSink build) added 0.03-0.06 ms
 * to the p50 of run_query SELECT 1 on this 2-core VM.
 * Usage: node bench/audit.mjs [--records 20000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({ options: { records: { type: 'string', default: '20000' } } });
const N = Number(opts.records);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-bench-audit-'));

// The sink as the server bundles it (esbuild, like scripts/build.mjs), into a scratch folder.
const entry = path.join(work, 'entry.ts');
fs.writeFileSync(
  entry,
  `export { FileAuditSink } from ${JSON.stringify(path.join(root, 'src/audit/file-sink.ts'))};\nexport { nullAuditSink } from ${JSON.stringify(path.join(root, 'src/audit/index.ts'))};\n`,
);
await build({
  entryPoints: [entry],
  outdir: work,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['libpg-query'],
  logLevel: 'warning',
});
const { FileAuditSink, nullAuditSink } = await import(path.join(work, 'entry.js'));

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)];
const us = (ms) => `${(ms * 1000).toFixed(1)} µs`;

function callEntry(i) {
  return {
    kind: 'tool',
    name: 'run_query',
    requestId: String(i),
    sessionId: undefined,
    client: { name: 'claude-ai', version: '0.1.0' },
    source: 'shop',
    args: {
      sql: `SELECT id, email, created_at FROM customers WHERE country = 'DE' AND id > ${i} ORDER BY id LIMIT 50`,
      max_rows: 50,
    },
    verdicts: [
      { guard: 'access', decision: 'allow' },
      { guard: 'statement', decision: 'allow' },
    ],
    outcome: 'ok',
    rowCount: 50,
    truncated: false,
    durationMs: 1.234,
  };
}

async function time(sink) {
  for (let i = 0; i < 2000; i++) await sink.record(callEntry(i)); // warm up (and load libpg-query)
  const out = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await sink.record(callEntry(i));
    out.push(performance.now() - t);
  }
  return out;
}

async function fileSink(name, engine, redactLiterals) {
  return FileAuditSink.open({
    file: path.join(work, name, 'audit.jsonl'),
    maxBytes: 64 * 1024 * 1024,
    redact: { redactLiterals, engineOf: () => engine },
    report: (m) => process.stderr.write(`${m}\n`),
  });
}

console.log(`node ${process.version}, ${os.cpus().length} cores, ${N} records each\n`);
const nul = await time(nullAuditSink);
console.log(`NullSink               p50 ${us(pct(nul, 0.5))}   p90 ${us(pct(nul, 0.9))}`);
for (const [name, engine, redact] of [
  ['sqlite', 'sqlite', false],
  ['postgres', 'postgres', false],
  ['pg-redact', 'postgres', true],
]) {
  const sink = await fileSink(name, engine, redact);
  const xs = await time(sink);
  await sink.close();
  const bytes = fs.statSync(path.join(work, name, 'audit.jsonl')).size;
  console.log(
    `file sink (${name.padEnd(9)}) p50 ${us(pct(xs, 0.5))}   p90 ${us(pct(xs, 0.9))}   p99 ${us(pct(xs, 0.99))}   ${Math.round(bytes / (N + 2000))} bytes/record   added to p50: ${us(pct(xs, 0.5) - pct(nul, 0.5))} [budget 100 µs]`,
  );
}
fs.rmSync(work, { recursive: true, force: true });
