/**
 * check_backups on MariaDB: the server's binary-log facts, and mariabackup/xtrabackup folders in
 * the backup dir judged by their xtrabackup_checkpoints (a backup not yet prepared cannot be
 * restored as is).
 */
import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { MYSQL_URL, skipUnlessReachable } from '../helpers/databases.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { sourceWithBackups, tempStateDir } from './backups.fixtures.js';

type Check = { id: string; status: string; message: string; evidence: Record<string, unknown> };

describe.skipIf(await skipUnlessReachable('mysql'))('check_backups on MariaDB/MySQL', () => {
  const stateDir = tempStateDir();
  let mcp: Harness | undefined;
  afterAll(async () => {
    await mcp?.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function checks(): Promise<Check[]> {
    mcp ??= await connect([sourceWithBackups(MYSQL_URL, { dir: 'backups', max_age_hours: 24 })], undefined, { stateDir });
    const res = await mcp.call('check_backups', {});
    expect(errorOf(res)).toBeUndefined();
    return (res.structuredContent as { checks: Check[] }).checks;
  }

  it('reports the binary log as the server has it', async () => {
    const admin = await mysql.createConnection({ uri: MYSQL_URL });
    const [rows] = await admin.query('SELECT @@log_bin AS log_bin');
    await admin.end();
    const logBin = Number((rows as { log_bin: number }[])[0]!.log_bin) === 1;
    const found = await checks();
    const check = found.find((c) => c.id === 'log_bin')!;
    if (logBin) {
      expect(check.status).toBe('ok');
      expect(found.map((c) => c.id)).toEqual(expect.arrayContaining(['binlog_format', 'binlog_expiry', 'durability', 'binary_logs']));
    } else {
      expect(check).toMatchObject({ status: 'info', message: expect.stringContaining('binary logging is off: no point-in-time recovery') });
    }
    expect(found.find((c) => c.id === 'gtid')).toMatchObject({ status: 'info', evidence: expect.objectContaining({ gtid_strict_mode: expect.any(String) }) });
  });

  it('warns about a mariabackup folder that is not prepared, and accepts a prepared one', async () => {
    const folder = path.join(stateDir, 'backups', 'full-1');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'xtrabackup_checkpoints'), 'backup_type = full-backuped\nfrom_lsn = 0\nto_lsn = 52281\nlast_lsn = 52290\n');
    expect((await checks()).find((c) => c.id === 'physical_backup')).toMatchObject({ status: 'warn', message: expect.stringContaining('is not prepared (backup_type full-backuped)'), evidence: expect.objectContaining({ to_lsn: '52281' }) });
    fs.writeFileSync(path.join(folder, 'xtrabackup_checkpoints'), 'backup_type = full-prepared\nfrom_lsn = 0\nto_lsn = 52281\nlast_lsn = 52290\n');
    expect((await checks()).find((c) => c.id === 'physical_backup')).toMatchObject({ status: 'ok', message: expect.stringContaining('full-1 is prepared (full-prepared)') });
  });
});
