/**
 * The safer steps the planner writes really run, on each engine: the batched backfill and the
 * CHECK-then-SET NOT NULL recipe (PostgreSQL), explicit ALGORITHM/LOCK clauses (MariaDB/MySQL),
 * the 12-step rebuild (SQLite); and the runner on MariaDB stops at a failing step and writes the
 * history row.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { MYSQL_URL, skipUnlessReachable } from '../helpers/databases.js';
import { loadConfig } from '../../src/config/load.js';
import { ENGINES } from '../../src/engines/registry.js';
import { planMigration } from '../../src/tools/migrations/planner.js';
import { runMigrationChange } from '../../src/tools/migrations/run-change.js';
import { planAndApply } from '../fixtures/migrations/run-corpus.js';

describe('applying planned steps', () => {
  it(
    'PostgreSQL: volatile default via batched backfill, unique index concurrently, NOT NULL via a validated CHECK',
    { timeout: 120_000 },
    async (t) => {
      if (await skipUnlessReachable('postgres')) return t.skip();
      const results = await planAndApply('postgres', {
        pg04: `SELECT count(*) FROM events WHERE public_id IS NULL`,
        pg06: `SELECT count(*) FROM pg_constraint WHERE conname = 'users_email_key' AND contype = 'u'`,
        pg03: `SELECT attnotnull::text FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email'`,
        pg02: `SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'orders_customer_idx'::regclass`,
      });
      for (const r of results)
        expect(
          r.outcomes.filter((o) => !o.ok),
          r.id,
        ).toEqual([]);
      const by = Object.fromEntries(results.map((r) => [r.id, r]));
      expect(by.pg04!.steps.some((s) => /backfill in batches/.test(s))).toBe(true);
      expect(Number(by.pg04!.checked)).toBe(0);
      expect(Number(by.pg06!.checked)).toBe(1);
      expect(by.pg03!.checked).toBe('true');
      expect(by.pg02!.checked).toBe('true');
    },
  );

  it('MariaDB/MySQL: the statements with explicit ALGORITHM and LOCK run', { timeout: 120_000 }, async (t) => {
    if (await skipUnlessReachable('mysql')) return t.skip();
    const results = await planAndApply('mysql', {
      my01: `SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'shipped_at'`,
      my03: `SELECT count(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = 'orders_customer_idx'`,
      my06: `SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'state'`,
      my05: `SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tags' AND COLUMN_NAME = 'label'`,
    });
    for (const r of results)
      expect(
        r.outcomes.filter((o) => !o.ok),
        r.id,
      ).toEqual([]);
    const by = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(by.my01!.steps[0]).toMatch(/ALGORITHM=INSTANT/);
    expect(Number(by.my01!.checked)).toBe(1);
    expect(Number(by.my03!.checked)).toBe(1);
    expect(by.my06!.checked).toBe("enum('new','paid','shipped')");
    expect(by.my05!.checked).toBe('varchar(60)');
  });

  it('SQLite: the 12-step rebuild keeps the rows, the view and the foreign keys', { timeout: 120_000 }, async () => {
    const results = await planAndApply('sqlite', {
      sl10: `SELECT "notnull" || ':' || (SELECT count(*) FROM users) || ':' || (SELECT count(*) FROM user_emails) FROM pragma_table_info('users') WHERE name = 'email'`,
      sl14: `SELECT count(*) FROM pragma_table_info('users') WHERE name = 'legacy'`,
      sl09: `SELECT type FROM pragma_table_info('products') WHERE name = 'price'`,
    });
    for (const r of results)
      expect(
        r.outcomes.filter((o) => !o.ok),
        r.id,
      ).toEqual([]);
    const by = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(by.sl10!.checked).toBe('1:1:1');
    expect(Number(by.sl14!.checked)).toBe(0);
    expect(by.sl09!.checked).toBe('REAL');
  });
});

// Its own database: test files run in parallel, and other runs may share the server.
const RUNNER_DB = `dba_mg_runner_${randomBytes(3).toString('hex')}`;

describe('the migration runner on MariaDB/MySQL (history table, a failure midway)', () => {
  it('applies what it can, stops at the failing step, and the history row says so', { timeout: 60_000 }, async (t) => {
    if (await skipUnlessReachable('mysql')) return t.skip();
    const admin = await mysql.createConnection({ uri: MYSQL_URL, multipleStatements: true });
    await admin.query(
      `DROP DATABASE IF EXISTS ${RUNNER_DB}; CREATE DATABASE ${RUNNER_DB}; CREATE TABLE ${RUNNER_DB}.orders (id bigint PRIMARY KEY, note varchar(20));`,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${RUNNER_DB}_dir-`));
    fs.writeFileSync(
      path.join(dir, 'c.json'),
      JSON.stringify({
        sources: [{ id: 'm', dsn: MYSQL_URL.replace(/\/[^/]*$/, `/${RUNNER_DB}`), mode: 'read-write' }],
      }),
    );
    const source = loadConfig({ config: path.join(dir, 'c.json') }, {}).sources[0]!;
    const engine = (await ENGINES.mysql.load()).createEngine(source, {
      logger: {
        debug() {},
        info() {},
        warn() {},
        error() {},
        trace() {},
        fatal() {},
        child() {
          return this;
        },
      } as never,
    });
    try {
      const plan = await planMigration(
        {
          sql: 'ALTER TABLE orders ADD COLUMN shipped_at datetime NULL; ALTER TABLE orders ADD COLUMN note2 int; CREATE INDEX orders_note_idx ON orders (note);',
          name: 'ship',
          rewrite: true,
          dryRun: true,
        },
        { engine, source, plansDir: dir },
      );
      expect(plan.output.dry_run).toMatchObject({
        outcome: 'not-run',
        reason: expect.stringMatching(/cannot be rolled back/),
      });
      await admin.query(`ALTER TABLE ${RUNNER_DB}.orders ADD COLUMN note2 int`); // someone got there first
      const change = {
        v: 1 as const,
        id: 'runnerid23',
        kind: 'migration' as const,
        payload: { plan_id: plan.id, name: plan.name, steps: plan.steps },
        source: 'm',
        engine: 'mysql',
        sql: plan.steps_text,
        sha256: plan.sha256,
        classification: { class: 'ddl', statement_type: 'MIGRATION', tables: [] },
        dry_run: { outcome: 'not-possible' as const, rows_affected: null },
        requested_by: { request_id: '1' },
        created_at: '',
        expires_at: '',
        status: 'executing' as const,
        decision: { decision: 'approved' as const, by: 'alice', path: 'cli' as const, at: '', sha256: plan.sha256 },
      };
      const outcome = await runMigrationChange(change, { source, engine });
      expect(outcome.error?.message).toMatch(
        /^step 2 failed: .*Duplicate column name 'note2'.*steps 1 to 1 were applied/,
      );
      expect(outcome.report).toMatchObject({ applied: [{ n: 1 }], failed_step: { n: 2 }, not_run: [3] });
      const [rows] = await admin.query(
        `SELECT name, outcome, approved_by, finished IS NOT NULL AS finished FROM ${RUNNER_DB}.dba_mcp_migrations WHERE id = 'runnerid23'`,
      );
      expect((rows as Record<string, unknown>[])[0]).toMatchObject({
        name: 'ship',
        approved_by: 'alice',
        finished: 1,
        outcome: expect.stringMatching(/^failed at step 2 of 3 \(1 applied\)/),
      });
      const tampered = await runMigrationChange(
        { ...change, id: 'runnerid24', sql: `${change.sql}\nDROP TABLE orders;` },
        { source, engine },
      );
      expect(tampered.error?.code).toBe('APPROVAL_MISMATCH');
    } finally {
      await engine.close();
      await admin.query(`DROP DATABASE IF EXISTS ${RUNNER_DB}`);
      await admin.end();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
