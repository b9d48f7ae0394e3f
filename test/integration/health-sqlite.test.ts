/** check_health on SQLite: a duplicate index, a file mostly free pages, a WAL file left large, and a damaged file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { healthSource } from '../fixtures/health/source.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { stageSqlite, type StagedSqlite } from '../fixtures/health/staging.js';

interface Check {
  id: string;
  status: string;
  message: string;
  evidence: Record<string, unknown>;
  fix: string | null;
}

const checks = (r: CallToolResult) => {
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return (r.structuredContent as { checks: Check[] }).checks;
};
const check = (r: CallToolResult, id: string) => checks(r).find((c) => c.id === id)!;

describe('check_health on SQLite with staged problems', () => {
  let staged: StagedSqlite;
  let h: Harness;
  let report: CallToolResult;

  beforeAll(async () => {
    staged = stageSqlite();
    h = await connect([healthSource(staged.dsn, { health: { sqlite_wal_mb: 0.5 } })]);
    report = await h.call('check_health', {});
  });

  afterAll(async () => {
    await h?.close();
    staged?.release();
  });

  it('reports the duplicate index with both CREATE INDEX statements and the DROP', () => {
    const c = check(report, 'duplicate_indexes');
    expect(c.status).toBe('warn');
    expect(c.evidence.indexes).toEqual([
      expect.objectContaining({
        kind: 'duplicate',
        table: 'main.orders',
        index: 'orders_customer_idx',
        covered_by: 'orders_customer_dup',
        definition: 'CREATE INDEX orders_customer_idx ON orders (customer)',
        covered_by_definition: 'CREATE INDEX orders_customer_dup ON orders (customer)',
        drop: 'DROP INDEX "orders_customer_idx";',
      }),
    ]);
  });

  it('reports the free pages left by deleted rows, with the counts', () => {
    const c = check(report, 'freelist');
    expect(c.status).toBe('warn');
    expect(c.evidence).toMatchObject({
      freelist_count: expect.any(Number),
      page_count: expect.any(Number),
      auto_vacuum: 'none',
    });
    expect(c.evidence.free_pct as number).toBeGreaterThan(50);
    expect(c.fix).toMatch(/VACUUM/);
  });

  it('reports the WAL file past the configured size, and quick_check ok', () => {
    const wal = check(report, 'wal');
    expect(wal.status).toBe('warn');
    expect(wal.evidence).toMatchObject({ journal_mode: 'wal', wal_file: `${staged.file}-wal` });
    expect(wal.evidence.wal_bytes as number).toBeGreaterThan(0.5 * 1024 * 1024);
    expect(check(report, 'quick_check')).toMatchObject({ status: 'ok' });
    expect(checks(report).map((c) => c.id)).toEqual(['quick_check', 'freelist', 'wal', 'duplicate_indexes']);
    expect((report.structuredContent as { status: string }).status).toBe('warn');
  });

  it('refuses a PostgreSQL check id on SQLite, listing its own', async () => {
    const err = errorOf(await h.call('check_health', { checks: ['blocking'] }));
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(err!.hint).toContain('quick_check');
  });
});

describe('check_health on a damaged SQLite file', () => {
  it('fails quick_check with what SQLite found', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba_hl_sqlite-'));
    const file = path.join(dir, 'broken.db');
    const db = new Database(file);
    db.exec(`CREATE TABLE t (id integer PRIMARY KEY, v text); CREATE INDEX t_v ON t (v);
      WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 3000) INSERT INTO t SELECT n, hex(randomblob(20)) FROM g;`);
    const root = (db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 't_v'").get() as { rootpage: number })
      .rootpage;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    // Overwrite the index's root page with garbage: the table stays readable, the index does not match it.
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize - 200, 0x5a), 0, pageSize - 200, (root - 1) * pageSize + 100);
    fs.closeSync(fd);
    const h = await connect([healthSource(`sqlite://${file}`, {}, 'lite')]);
    try {
      const c = check(await h.call('check_health', { checks: ['quick_check'] }), 'quick_check');
      expect(c.status).toBe('fail');
      expect((c.evidence.problems as string[]).length).toBeGreaterThan(0);
      expect(c.fix).toMatch(/backup/);
    } finally {
      await h.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
