/**
 * check_backups / create_backup / verify_backup on real PostgreSQL, MariaDB and SQLite, through
 * the real server and SDK client: a backup is made, proven by a restore and reported ok; a stale
 * backup and a truncated one are reported with the reason; the source never changes and no
 * scratch database is left behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineName } from '../../src/engines/registry.js';
import { skipUnlessReachable } from '../helpers/databases.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { BACKUP_SOURCES, sourceWithBackups, tempStateDir, type BackupSource } from './backups.fixtures.js';

type Check = { id: string; status: string; message: string; evidence: Record<string, unknown> };
type Out = Record<string, unknown> & { checks?: Check[] };

async function call(mcp: Harness, name: string, args: Record<string, unknown> = {}): Promise<Out> {
  const res = await mcp.call(name, args);
  const err = errorOf(res);
  if (err) throw new Error(`${name}: ${err.code} ${err.message} (${err.hint})`);
  return res.structuredContent as Out;
}

const check = (out: Out, id: string) => out.checks!.find((c) => c.id === id);

interface Expect {
  file: RegExp;
  magic: (head: Buffer) => boolean;
  tables: { table: string; rows: number }[];
  target: RegExp;
  /** What a restore of the truncated file (without its manifest) says. */
  restoreFailure: RegExp;
  serverCheck: string;
}

const EXPECT: Record<EngineName, Expect> = {
  postgres: {
    file: /^shop-\d{8}T\d{6}Z\.dump$/,
    magic: (h) => h.subarray(0, 5).toString() === 'PGDMP',
    tables: [
      { table: 'public.customers', rows: 1000 },
      { table: 'public.empty_table', rows: 0 },
      { table: 'public.orders', rows: 5000 },
      { table: 'sales.items', rows: 300 },
    ],
    target: /^scratch database dba_bk_[0-9a-f]{8} on 127\.0\.0\.1:5432 \(dropped\)$/,
    restoreFailure: /^the restore failed: pg_restore: .*(end of file|could not read|unexpected)/is,
    serverCheck: 'wal_level',
  },
  mysql: {
    file: /^shop-\d{8}T\d{6}Z\.sql$/,
    magic: (h) => /-- (MariaDB|MySQL) dump/.test(h.toString('latin1')),
    tables: [
      { table: 'customers', rows: 1000 },
      { table: 'empty_table', rows: 0 },
      { table: 'orders', rows: 5000 },
    ],
    target: /^scratch schema dba_bk_[0-9a-f]{8} on 127\.0\.0\.1:3306 \(dropped\)$/,
    restoreFailure: /^the restore failed: the dump has no "-- Dump completed" line at its end: it was cut short/,
    serverCheck: 'log_bin',
  },
  sqlite: {
    file: /^shop-\d{8}T\d{6}Z\.db$/,
    magic: (h) => h.subarray(0, 15).toString() === 'SQLite format 3',
    tables: [
      { table: 'customers', rows: 1000 },
      { table: 'empty_table', rows: 0 },
      { table: 'orders', rows: 5000 },
    ],
    target: /^temporary file .*dba_bk_.*restore\.db \(removed\)$/,
    restoreFailure: /^the restore failed: (PRAGMA integrity_check|SQLite cannot read it)/,
    serverCheck: 'journal_mode',
  },
};

const ENGINES: EngineName[] = ['postgres', 'mysql', 'sqlite'];
const skips = Object.fromEntries(
  await Promise.all(ENGINES.map(async (e) => [e, await skipUnlessReachable(e)] as const)),
);

describe.each(ENGINES)('backups on %s', (engine) => {
  const want = EXPECT[engine];
  let src: BackupSource;
  let before: string;
  const stateDir = tempStateDir();
  const harnesses: Harness[] = [];

  async function harness(backups: Record<string, unknown> | undefined, dir = stateDir): Promise<Harness> {
    const mcp = await connect([sourceWithBackups(src.dsn, backups)], undefined, { stateDir: dir });
    harnesses.push(mcp);
    return mcp;
  }

  beforeAll(async () => {
    if (skips[engine]) return;
    src = await BACKUP_SOURCES[engine]();
    before = await src.fingerprint();
  });

  afterAll(async () => {
    for (const h of harnesses) await h.close();
    if (!src) return;
    const after = await src.fingerprint();
    const left = await src.scratchLeft();
    await src.drop();
    fs.rmSync(stateDir, { recursive: true, force: true });
    expect(after, 'the source database is unchanged').toBe(before);
    expect(left, 'no scratch database is left').toEqual([]);
  });

  it.skipIf(skips[engine])('says so when no backup dir is configured, with the server facts still', async () => {
    const mcp = await harness(undefined);
    const out = await call(mcp, 'check_backups');
    expect(out.status).toBe('fail');
    expect(out.dir).toBeNull();
    expect(check(out, 'backup_dir')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('no backup dir configured'),
    });
    expect(check(out, want.serverCheck)).toBeDefined();
    expect(errorOf(await mcp.call('create_backup', {}))).toMatchObject({
      code: 'NOT_CONFIGURED',
      message: expect.stringContaining('no backup dir configured'),
    });
  });

  it.skipIf(skips[engine])(
    'creates a backup with its manifest, proves it by a restore, and then check_backups is ok',
    async () => {
      const mcp = await harness({ dir: 'backups', max_age_hours: 24 });
      const first = await call(mcp, 'check_backups');
      expect(check(first, 'backup_dir')).toMatchObject({
        status: 'fail',
        message: expect.stringContaining('does not exist'),
      });

      const created = await call(mcp, 'create_backup');
      expect(created.file).toMatch(want.file);
      expect(created.path).toBe(path.join(stateDir, 'backups', created.file as string));
      expect(want.magic(fs.readFileSync(created.path as string).subarray(0, 64))).toBe(true);
      expect(created.tables).toEqual(want.tables);
      const manifest = JSON.parse(fs.readFileSync(created.manifest_path as string, 'utf8'));
      expect(manifest).toMatchObject({
        v: 1,
        file: created.file,
        source: 'shop',
        engine,
        sha256: created.sha256,
        size_bytes: fs.statSync(created.path as string).size,
        tables: want.tables,
      });
      expect(manifest.server_version).toMatch(/^(postgresql|mariadb|mysql|sqlite) \d+\.\d+/);
      expect(Date.parse(manifest.created_at)).toBeGreaterThanOrEqual(Date.parse(manifest.started_at));

      const verified = await call(mcp, 'verify_backup');
      const rows = want.tables.reduce((n, t) => n + t.rows, 0);
      expect(verified).toMatchObject({
        status: 'verified',
        backup: created.file,
        reason: null,
        manifest: true,
        tables_restored: want.tables.length,
        tables_matched: want.tables.length,
        rows_restored: rows,
        differences: [],
      });
      expect(verified.restore_ms).toBeGreaterThanOrEqual(0);
      expect(verified.target).toMatch(want.target);
      expect(fs.existsSync(verified.proof_path as string)).toBe(true);

      const after = await call(mcp, 'check_backups');
      expect(after.checks!.filter((c) => c.status === 'fail' || c.status === 'warn')).toEqual([]);
      expect(after.status).toBe('ok');
      expect(check(after, 'restore_proof')).toMatchObject({
        status: 'ok',
        evidence: expect.objectContaining({ backup: created.file, ok: true, rows }),
      });
      expect(check(after, 'newest_backup_readable')).toMatchObject({
        status: 'ok',
        evidence: expect.objectContaining({ manifest_matches: true }),
      });
      expect(after.backups).toEqual([expect.objectContaining({ name: created.file, manifest: true })]);
    },
  );

  it.skipIf(skips[engine])('reports a stale backup against max_age_hours', async () => {
    const mcp = await harness({ dir: 'backups', max_age_hours: 0.0003 }); // about a second
    await new Promise((r) => setTimeout(r, 1500));
    const out = await call(mcp, 'check_backups');
    expect(out.status).toBe('fail');
    expect(check(out, 'newest_backup')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('older than max_age_hours (0.0003 h)'),
    });
    expect(check(out, 'restore_proof')).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('older than max_age_hours'),
    });
  });

  it.skipIf(skips[engine])(
    'fails verification of a truncated backup and says why: by the manifest, and by the restore itself',
    async () => {
      const dir = tempStateDir();
      const mcp = await harness({ dir: 'backups', max_age_hours: 24 }, dir);
      const created = await call(mcp, 'create_backup');
      const file = created.path as string;
      const size = fs.statSync(file).size;
      fs.truncateSync(file, Math.floor(size / 2));

      const byManifest = await call(mcp, 'verify_backup');
      expect(byManifest).toMatchObject({ status: 'failed', backup: created.file, restore_ms: null });
      expect(byManifest.reason).toContain(
        `the file is truncated: ${Math.floor(size / 2)} bytes, the manifest recorded ${size}`,
      );
      const checked = await call(mcp, 'check_backups');
      expect(checked.status).toBe('fail');
      expect(check(checked, 'newest_backup_readable')).toMatchObject({
        status: 'fail',
        message: expect.stringContaining('truncated'),
      });
      expect(check(checked, 'restore_proof')).toMatchObject({
        status: 'fail',
        message: expect.stringContaining('failed its restore test'),
      });

      fs.rmSync(`${file}.manifest.json`);
      const byRestore = await call(mcp, 'verify_backup', { backup: created.file });
      expect(byRestore).toMatchObject({ status: 'failed', manifest: false });
      expect(byRestore.reason).toMatch(want.restoreFailure);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  );

  it.skipIf(skips[engine])('refuses a backup name that is a path, and an unknown one', async () => {
    const mcp = await harness({ dir: 'backups', max_age_hours: 24 });
    expect(errorOf(await mcp.call('verify_backup', { backup: '../../etc/passwd' }))?.code).toBe('INVALID_ARGUMENT');
    expect(errorOf(await mcp.call('verify_backup', { backup: 'nope.dump' }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('no backup named'),
    });
  });
});
