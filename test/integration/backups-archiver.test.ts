/**
 * check_backups on a real PostgreSQL whose archive_command fails: the archiver's own evidence
 * (failed_count, last_failed_wal, last_failed_time) is reported. archive_mode is on (set by
 * scripts/test-databases.sh); the test breaks archive_command with ALTER SYSTEM + reload and
 * restores it in finally.
 */
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, skipUnlessReachable } from '../helpers/databases.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { pgBackupSource, sourceWithBackups, tempStateDir, type BackupSource } from './backups.fixtures.js';

const skip = await skipUnlessReachable('postgres');

type Check = { id: string; status: string; message: string; evidence: Record<string, unknown> };
type Out = Record<string, unknown> & { checks?: Check[] };

async function call(mcp: Harness, name: string, args: Record<string, unknown> = {}): Promise<Out> {
  const res = await mcp.call(name, args);
  const err = errorOf(res);
  if (err) throw new Error(`${name}: ${err.code} ${err.message}`);
  return res.structuredContent as Out;
}

const check = (out: Out, id: string) => out.checks!.find((c) => c.id === id);

describe.skipIf(skip)('check_backups and the WAL archiver', () => {
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
    src = await pgBackupSource();
    before = await src.fingerprint();
  });

  afterAll(async () => {
    for (const h of harnesses) await h.close();
    const after = await src?.fingerprint();
    const left = await src?.scratchLeft();
    await src?.drop();
    fs.rmSync(stateDir, { recursive: true, force: true });
    expect(after).toBe(before);
    expect(left).toEqual([]);
  });

  it("reports a failing archive_command with the archiver's evidence", async () => {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const mode = (await admin.query<{ archive_mode: string }>('SHOW archive_mode')).rows[0]!.archive_mode;
    expect(mode, 'scripts/test-databases.sh turns archive_mode on').toBe('on');
    const original = (
      await admin.query<{ setting: string }>(
        `SELECT setting FROM pg_file_settings WHERE name = 'archive_command' AND applied`,
      )
    ).rows[0]?.setting;
    try {
      const failedBefore = Number(
        (await admin.query<{ n: string }>('SELECT failed_count AS n FROM pg_stat_archiver')).rows[0]!.n,
      );
      await admin.query(`ALTER SYSTEM SET archive_command = 'false'`);
      await admin.query('SELECT pg_reload_conf()');
      await new Promise((r) => setTimeout(r, 300));
      await admin.query('CREATE TEMP TABLE wal_nudge AS SELECT 1 AS x'); // a small write, not in the source
      await admin.query('SELECT pg_switch_wal()');
      const deadline = Date.now() + 20_000;
      while (
        Number((await admin.query<{ n: string }>('SELECT failed_count AS n FROM pg_stat_archiver')).rows[0]!.n) <=
        failedBefore
      ) {
        if (Date.now() > deadline) throw new Error('the archiver did not fail within 20 s');
        await new Promise((r) => setTimeout(r, 250));
      }
      const mcp = await harness({ dir: 'pg-backups', max_age_hours: 24 });
      const out = await call(mcp, 'check_backups');
      expect(out.status).toBe('fail');
      const archiver = check(out, 'wal_archiver')!;
      expect(archiver.status).toBe('fail');
      expect(archiver.message).toMatch(/WAL archiving is failing: the archiver failed \d+ times, last on [0-9A-F]{24}/);
      expect(archiver.evidence).toMatchObject({
        failed_count: expect.any(Number),
        last_failed_wal: expect.stringMatching(/^[0-9A-F]{24}$/),
        last_failed_time: expect.any(String),
      });
      expect(archiver.evidence.failed_count as number).toBeGreaterThan(failedBefore);
      expect(check(out, 'archive_mode')).toMatchObject({
        status: 'ok',
        evidence: expect.objectContaining({ archive_command: 'false' }),
      });
    } finally {
      if (original) await admin.query(`ALTER SYSTEM SET archive_command = '${original.replace(/'/g, "''")}'`);
      else await admin.query('ALTER SYSTEM RESET archive_command');
      await admin.query('SELECT pg_reload_conf()');
      await admin.end();
    }
  });
});
