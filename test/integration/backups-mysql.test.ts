/**
 * check_backups on MariaDB: the server's binary-log facts (binary logging on, as
 * scripts/test-databases.sh configures it; the OFF wording where a server has it off), and mariabackup/xtrabackup folders in
 * the backup dir judged by their xtrabackup_checkpoints (a backup not yet prepared cannot be
 * restored as is).
 */
import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { MYSQL_URL, skipUnlessReachable } from '../helpers/databases.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { skipUnlessMysqlFeature, skipUnlessMysqlFeatureOff } from '../helpers/mysql-features.js';
import { sourceWithBackups, tempStateDir } from './backups.fixtures.js';

type Check = { id: string; status: string; message: string; evidence: Record<string, unknown> };

const skip = await skipUnlessReachable('mysql');
// in CI the server has binary logging on (scripts/test-databases.sh); elsewhere the OFF test runs instead
const binlogOff = !skip && (await skipUnlessMysqlFeature('log_bin'));
const binlogOn = !skip && (await skipUnlessMysqlFeatureOff('log_bin', 'check_backups with binary logging off'));

describe.skipIf(skip)('check_backups on MariaDB/MySQL', () => {
  const stateDir = tempStateDir();
  let mcp: Harness | undefined;
  afterAll(async () => {
    await mcp?.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function checks(): Promise<Check[]> {
    mcp ??= await connect([sourceWithBackups(MYSQL_URL, { dir: 'backups', max_age_hours: 24 })], undefined, {
      stateDir,
    });
    const res = await mcp.call('check_backups', {});
    expect(errorOf(res)).toBeUndefined();
    return (res.structuredContent as { checks: Check[] }).checks;
  }

  it.skipIf(binlogOff)(
    'reports binary logging on, ROW format, the expiry against max_age_hours, durability, the binary logs present and the GTID position',
    async () => {
      const admin = await mysql.createConnection({ uri: MYSQL_URL });
      let server: { format: string; expiry: number; sync: number; files: string[] };
      try {
        // a write, so the binary log has a GTID to report
        await admin.query('CREATE DATABASE IF NOT EXISTS dba_pf_binlog');
        await admin.query('DROP DATABASE dba_pf_binlog');
        const [vars] = await admin.query(
          'SELECT @@binlog_format AS format, @@binlog_expire_logs_seconds AS expiry, @@sync_binlog AS sync',
        );
        const [logs] = await admin.query('SHOW BINARY LOGS');
        const v = (vars as { format: string; expiry: number | string; sync: number | string }[])[0]!;
        server = {
          format: v.format,
          expiry: Number(v.expiry),
          sync: Number(v.sync),
          files: (logs as { Log_name: string }[]).map((l) => l.Log_name),
        };
      } finally {
        await admin.end();
      }
      const found = await checks();
      const by = (id: string) => found.find((c) => c.id === id)!;
      expect(by('log_bin')).toMatchObject({
        status: 'ok',
        message: 'binary logging is on',
        evidence: { log_bin: 'ON', server_id: expect.stringMatching(/^[1-9]\d*$/) },
      });
      expect(server.format).toBe('ROW');
      expect(by('binlog_format')).toMatchObject({
        status: 'ok',
        message: 'binlog_format is ROW',
        evidence: { binlog_format: 'ROW', binlog_row_image: 'FULL' },
      });
      // scripts/test-databases.sh keeps them 7 days: longer than the 24 h backup interval
      expect(server.expiry).toBeGreaterThan(24 * 3600);
      expect(by('binlog_expiry')).toMatchObject({
        status: 'ok',
        message: `binary logs kept ${Math.round(server.expiry / 3600)} h`,
        evidence: { binlog_expire_logs_seconds: server.expiry, max_age_hours: 24 },
      });
      expect(by('durability')).toMatchObject({
        status: server.sync === 1 ? 'ok' : 'warn',
        evidence: { sync_binlog: String(server.sync), innodb_flush_log_at_trx_commit: expect.any(String) },
      });
      const logs = by('binary_logs');
      expect(logs.status).toBe('ok');
      expect(logs.evidence).toMatchObject({
        files: expect.any(Number),
        oldest: server.files[0],
        bytes: expect.any(Number),
      });
      expect(logs.evidence.files).toBeGreaterThanOrEqual(server.files.length);
      expect(server.files).toContain(logs.evidence.newest);
      expect(logs.message).toMatch(/^\d+ binary logs? present \(\d+ MB\), \S+ to \S+$/);
      const gtid = by('gtid');
      expect(gtid).toMatchObject({
        status: 'info',
        evidence: expect.objectContaining({
          gtid_strict_mode: expect.any(String),
          gtid_position: expect.stringMatching(/^\d+-\d+-\d+/),
        }),
      });
      expect(gtid.message).toMatch(
        /^the binary log carries MariaDB GTIDs \(now at \d+-\d+-\d+.*\): a restore can be positioned by GTID/,
      );
    },
  );

  it.skipIf(binlogOff)('warns when the binary logs expire before the next backup is due', async () => {
    const long = await connect([sourceWithBackups(MYSQL_URL, { dir: 'backups', max_age_hours: 24 * 30 })], undefined, {
      stateDir,
    });
    try {
      const res = await long.call('check_backups', {});
      expect(errorOf(res)).toBeUndefined();
      const expiry = (res.structuredContent as { checks: Check[] }).checks.find((c) => c.id === 'binlog_expiry')!;
      expect(expiry).toMatchObject({
        status: 'warn',
        message: expect.stringMatching(/^binary logs expire after \d+ h, before the next backup is due \(720 h\)/),
        evidence: expect.objectContaining({ max_age_hours: 720 }),
      });
      expect((expiry as { fix?: string }).fix).toMatch(/binlog_expire_logs_seconds/);
    } finally {
      await long.close();
    }
  });

  it.skipIf(binlogOn)('says binary logging is off: no point-in-time recovery', async () => {
    const found = await checks();
    expect(found.find((c) => c.id === 'log_bin')).toMatchObject({
      status: 'info',
      message: expect.stringContaining('binary logging is off: no point-in-time recovery'),
    });
    expect(found.find((c) => c.id === 'gtid')).toMatchObject({
      status: 'info',
      message: 'no binary log, so no GTID position to recover to',
    });
  });

  it('warns about a mariabackup folder that is not prepared, and accepts a prepared one', async () => {
    const folder = path.join(stateDir, 'backups', 'full-1');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(
      path.join(folder, 'xtrabackup_checkpoints'),
      'backup_type = full-backuped\nfrom_lsn = 0\nto_lsn = 52281\nlast_lsn = 52290\n',
    );
    expect((await checks()).find((c) => c.id === 'physical_backup')).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('is not prepared (backup_type full-backuped)'),
      evidence: expect.objectContaining({ to_lsn: '52281' }),
    });
    fs.writeFileSync(
      path.join(folder, 'xtrabackup_checkpoints'),
      'backup_type = full-prepared\nfrom_lsn = 0\nto_lsn = 52281\nlast_lsn = 52290\n',
    );
    expect((await checks()).find((c) => c.id === 'physical_backup')).toMatchObject({
      status: 'ok',
      message: expect.stringContaining('full-1 is prepared (full-prepared)'),
    });
  });
});
