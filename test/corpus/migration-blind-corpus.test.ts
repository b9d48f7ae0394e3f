/**
 * The blind corpus (test/fixtures/migrations-blind/*.yaml), written without reading
 * plan_migration's code: every case is planned through the real server on a real database and
 * scored the way issue #7 defines it. An unsafe case is caught when a warning-or-error hazard
 * carries one of its expected codes; a safe case is a false alarm when any hazard is an error.
 * Needs: >= 90% of unsafe caught, <= 10% of safe with an error. Prints the score and each miss.
 * DBA_MB_ONLY=<substring> runs only the matching cases (and skips the threshold assertions).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type ResolvedSource } from '../../src/config/load.js';
import { connect } from '../helpers/mcp.js';
import { MYSQL_URL, PG_URL, skipUnlessReachable } from '../helpers/databases.js';

type EngineName = 'postgres' | 'mysql' | 'sqlite';
interface BlindCase {
  id: string;
  uses?: string[];
  setup?: string;
  sql: string;
  expect: 'safe' | string[];
  why?: string;
}
interface CorpusFile {
  engine: EngineName;
  fixtures: Record<string, string>;
  cases: BlindCase[];
}
interface Hazard {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
}
interface Outcome {
  id: string;
  engine: EngineName;
  safe: boolean;
  ok: boolean;
  hazards: Hazard[];
  failure?: string;
  ms?: number;
}

const DIR = path.join(import.meta.dirname, '../fixtures/migrations-blind');
const ONLY = process.env.DBA_MB_ONLY;
const SCRATCH = 'dba_mb_blind';
const outcomes: Outcome[] = [];

function load(file: string): CorpusFile {
  const corpus = parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as CorpusFile;
  return { ...corpus, cases: corpus.cases.filter((c) => !ONLY || c.id.includes(ONLY)) };
}

function sourceFor(dsn: string): ResolvedSource {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mb-src-'));
  const file = path.join(dir, 'c.json');
  fs.writeFileSync(file, JSON.stringify({ sources: [{ id: 'blind', dsn, mode: 'read-write' }] }));
  return loadConfig({ config: file }, {}).sources[0]!;
}

/** A database of one engine that can be emptied and re-seeded before each case. */
interface Sandbox {
  dsn(): string;
  reset(): Promise<void>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

async function postgresSandbox(): Promise<Sandbox> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${SCRATCH} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${SCRATCH}`);
  await admin.end();
  const url = PG_URL.replace(/\/[^/]*$/, `/${SCRATCH}`);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  return {
    dsn: () => url,
    async reset() {
      const { rows } = await db.query<{ nspname: string }>(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'",
      );
      for (const { nspname } of rows) await db.query(`DROP SCHEMA "${nspname}" CASCADE`);
      await db.query('CREATE SCHEMA public');
    },
    exec: async (sql) => void (await db.query(sql)),
    async close() {
      await db.end();
      const again = new pg.Client({ connectionString: PG_URL });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${SCRATCH} WITH (FORCE)`);
      await again.end();
    },
  };
}

async function mysqlSandbox(): Promise<Sandbox> {
  const admin = await mysql.createConnection({ uri: MYSQL_URL, multipleStatements: true });
  const url = MYSQL_URL.replace(/\/[^/]*$/, `/${SCRATCH}`);
  return {
    dsn: () => url,
    async reset() {
      await admin.query(`DROP DATABASE IF EXISTS ${SCRATCH}; CREATE DATABASE ${SCRATCH}; USE ${SCRATCH}`);
    },
    exec: async (sql) => void (await admin.query(sql)),
    async close() {
      await admin.query(`DROP DATABASE IF EXISTS ${SCRATCH}`);
      await admin.end();
    },
  };
}

async function sqliteSandbox(): Promise<Sandbox> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mb-sqlite-'));
  let n = 0;
  let file = '';
  return {
    dsn: () => `sqlite://${file}`,
    async reset() {
      file = path.join(dir, `case${++n}.db`);
    },
    async exec(sql) {
      const db = new Database(file);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    close: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

const SANDBOXES: Record<EngineName, () => Promise<Sandbox>> = {
  postgres: postgresSandbox,
  mysql: mysqlSandbox,
  sqlite: sqliteSandbox,
};

async function runCase(corpus: CorpusFile, c: BlindCase, box: Sandbox, stateDir: string): Promise<Outcome> {
  const safe = c.expect === 'safe';
  await box.reset();
  for (const name of c.uses ?? []) await box.exec(corpus.fixtures[name]!);
  if (c.setup) await box.exec(c.setup);
  const h = await connect([sourceFor(box.dsn())], undefined, { stateDir });
  try {
    const result = await h.call('plan_migration', { sql: c.sql, name: c.id });
    if (result.isError) {
      const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
      // A refusal to plan is neither a warning nor an error hazard: a miss either way.
      return { id: c.id, engine: corpus.engine, safe, ok: false, hazards: [], failure: text.slice(0, 300) };
    }
    const hazards = (result.structuredContent as { hazards?: Hazard[] }).hazards ?? [];
    const ok = safe
      ? !hazards.some((z) => z.severity === 'error')
      : hazards.some((z) => z.severity !== 'info' && (c.expect as string[]).includes(z.code));
    return { id: c.id, engine: corpus.engine, safe, ok, hazards };
  } finally {
    await h.close();
  }
}

function report(): string {
  const unsafe = outcomes.filter((o) => !o.safe);
  const safe = outcomes.filter((o) => o.safe);
  const caught = unsafe.filter((o) => o.ok).length;
  const falseAlarms = safe.filter((o) => !o.ok).length;
  const lines = [
    `blind corpus: ${outcomes.length} cases; unsafe caught ${caught}/${unsafe.length} (${pct(caught, unsafe.length)}, needs >= 90%); ` +
      `safe with an error ${falseAlarms}/${safe.length} (${pct(falseAlarms, safe.length)}, needs <= 10%)`,
  ];
  for (const engine of ['postgres', 'mysql', 'sqlite'] as const) {
    const mine = outcomes.filter((o) => o.engine === engine);
    const u = mine.filter((o) => !o.safe);
    const s = mine.filter((o) => o.safe);
    lines.push(
      `  ${engine}: unsafe ${u.filter((o) => o.ok).length}/${u.length}, safe with an error ${s.filter((o) => !o.ok).length}/${s.length}`,
    );
  }
  for (const o of outcomes.filter((x) => !x.ok)) {
    const shown = o.failure ?? (o.hazards.map((z) => `${z.severity}:${z.code}`).join(', ') || 'no hazards');
    lines.push(`  MISS ${o.safe ? 'safe  ' : 'unsafe'} ${o.id}: ${shown}`);
  }
  for (const o of outcomes.filter((x) => (x.ms ?? 0) > 5000)) lines.push(`  SLOW ${o.id}: ${o.ms} ms (setup + plan)`);
  if (process.env.DBA_MB_VERBOSE) {
    for (const o of outcomes)
      lines.push(`  ${o.ok ? 'ok  ' : 'MISS'} ${o.id}: ${o.hazards.map((z) => `${z.severity}:${z.code}`).join(', ')}`);
  }
  return lines.join('\n');
}

const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);

describe('plan_migration on the blind corpus', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mb-state-'));
  afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  for (const file of ['postgres.yaml', 'mariadb.yaml', 'sqlite.yaml']) {
    it(`plans every case of ${file}`, async (ctx) => {
      const corpus = load(file);
      if (corpus.cases.length === 0 || (await skipUnlessReachable(corpus.engine))) return ctx.skip();
      const box = await SANDBOXES[corpus.engine]();
      try {
        for (const c of corpus.cases) {
          const started = Date.now();
          const outcome = await runCase(corpus, c, box, stateDir);
          outcomes.push({ ...outcome, ms: Date.now() - started });
        }
      } finally {
        await box.close();
      }
    }, 900_000);
  }

  it('scores at least the thresholds of issue #7', () => {
    const text = report();
    process.stdout.write(`${text}\n`);
    if (ONLY) return;
    const unsafe = outcomes.filter((o) => !o.safe);
    const safe = outcomes.filter((o) => o.safe);
    expect(unsafe.length).toBeGreaterThan(0);
    expect(unsafe.filter((o) => o.ok).length / unsafe.length, text).toBeGreaterThanOrEqual(0.9);
    expect(safe.filter((o) => !o.ok).length / safe.length, text).toBeLessThanOrEqual(0.1);
  });
});
