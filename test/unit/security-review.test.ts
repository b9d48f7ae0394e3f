/** Security review: secrets kept out of what other users of the machine can see (process arguments). */
import { describe, expect, it } from 'vitest';
import { libpqArgs, pgTarget } from '../../src/engines/postgres/backups/conn.js';

describe('libpqArgs: the password never on the command line', () => {
  it('moves a password given as a DSN query parameter into PGPASSWORD', () => {
    const { dbname, env } = libpqArgs(
      pgTarget('postgres://app@db.internal:5432/shop?password=s3cr3t-pw&sslmode=disable'),
      true,
    );
    expect(dbname).not.toContain('s3cr3t-pw');
    expect(dbname).toContain('sslmode=disable');
    expect(env.PGPASSWORD).toBe('s3cr3t-pw');
  });

  it('keeps the userinfo password out of the arguments too', () => {
    const { dbname, env } = libpqArgs(pgTarget('postgres://app:pa%40ss@db.internal:5432/shop'), false);
    expect(dbname).not.toMatch(/pa(@|%40)ss/);
    expect(env.PGPASSWORD).toBe('pa@ss');
  });
});

describe('check_backups on PostgreSQL: no credential of archive_command in the evidence', () => {
  it('redacts secrets an archive_command carries (environment assignments, --secret options, URL passwords)', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { pgReadinessChecks } = await import('../../src/engines/postgres/backups/checks.js');
    const command =
      'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENG PGPASSWORD=hunter22 wal-g wal-push %p --s3-secret-key=AKIAsecret77 && curl -T %p ftp://arch:ftpPa55@backup.example/wal/';
    const rows = [
      { name: 'wal_level', setting: 'replica' },
      { name: 'archive_mode', setting: 'on' },
      { name: 'archive_command', setting: command },
      { name: 'archive_library', setting: '' },
      { name: 'archive_timeout', setting: '60' },
      { name: 'max_slot_wal_keep_size', setting: '-1' },
    ];
    const driver = { catalog: async (sql: string) => (sql.includes('pg_settings') ? rows : []) } as never;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba_sec_bk-'));
    const checks = await pgReadinessChecks(driver, { dir, maxAgeHours: 24, signal: new AbortController().signal });
    const text = JSON.stringify(checks);
    expect(text).toContain('wal-g wal-push');
    for (const secret of ['wJalrXUtnFEMIK7MDENG', 'hunter22', 'AKIAsecret77', 'ftpPa55'])
      expect(text).not.toContain(secret);
  });
});
