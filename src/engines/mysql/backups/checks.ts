/**
 * check_backups facts of a MySQL/MariaDB server (RULES 4.5, 4.6): binary logging and its format,
 * expiry against max_age_hours, durability, GTID, the binary logs present, and
 * mariabackup/xtrabackup folders in the backup dir (prepared or not, age).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ageHours, describeAge, hoursSince } from '../../kit/backups/files.js';
import { guardedCheck } from '../../kit/backups/readiness.js';
import { asToolError } from '../../../core/errors.js';
import type { BackupCheck, BackupEnv } from '../../contract/backups.js';
import type { MysqlDriver } from '../core/driver.js';

type Vars = Record<string, string>;

const NAMES = [
  'log_bin',
  'binlog_format',
  'binlog_row_image',
  'binlog_expire_logs_seconds',
  'expire_logs_days',
  'sync_binlog',
  'innodb_flush_log_at_trx_commit',
  'gtid_mode',
  'enforce_gtid_consistency',
  'gtid_strict_mode',
  'gtid_binlog_pos',
  'gtid_current_pos',
  'gtid_executed',
  'server_id',
];

async function variables(driver: MysqlDriver): Promise<Vars> {
  const rows = await driver.catalog<{ Variable_name: string; Value: string }>(
    `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${NAMES.map(() => '?').join(', ')})`,
    NAMES,
  );
  return Object.fromEntries(rows.map((r) => [r.Variable_name.toLowerCase(), r.Value]));
}

const on = (v: string | undefined) => v !== undefined && /^(on|1)$/i.test(v);

function expirySeconds(v: Vars): number {
  const seconds = Number(v.binlog_expire_logs_seconds ?? 0);
  if (seconds > 0) return seconds;
  return Math.round(Number(v.expire_logs_days ?? 0) * 86_400);
}

export function binlogChecks(v: Vars, env: BackupEnv): BackupCheck[] {
  if (!on(v.log_bin)) {
    return [
      {
        id: 'log_bin',
        status: 'info',
        message: 'binary logging is off: no point-in-time recovery, recovery only to the newest dump',
        evidence: { log_bin: v.log_bin ?? null },
        fix: 'For point-in-time recovery: log_bin (and server_id) in the server config, then a restart.',
      },
    ];
  }
  const checks: BackupCheck[] = [
    {
      id: 'log_bin',
      status: 'ok',
      message: 'binary logging is on',
      evidence: { log_bin: v.log_bin ?? null, server_id: v.server_id ?? null },
    },
  ];
  const format = v.binlog_format ?? null;
  checks.push(
    format === 'ROW'
      ? {
          id: 'binlog_format',
          status: 'ok',
          message: 'binlog_format is ROW',
          evidence: { binlog_format: format, binlog_row_image: v.binlog_row_image ?? null },
        }
      : {
          id: 'binlog_format',
          status: 'warn',
          message: `binlog_format is ${format}: replaying non-deterministic statements can give different data`,
          evidence: { binlog_format: format },
          fix: 'SET GLOBAL binlog_format = ROW (and in the server config).',
        },
  );
  const expiry = expirySeconds(v);
  const expiryEvidence = {
    binlog_expire_logs_seconds: Number(v.binlog_expire_logs_seconds ?? 0),
    expire_logs_days: Number(v.expire_logs_days ?? 0),
    max_age_hours: env.maxAgeHours,
  };
  if (expiry > 0 && expiry < env.maxAgeHours * 3600) {
    checks.push({
      id: 'binlog_expiry',
      status: 'warn',
      message: `binary logs expire after ${Math.round(expiry / 3600)} h, before the next backup is due (${env.maxAgeHours} h): a gap in point-in-time recovery`,
      evidence: expiryEvidence,
      fix: 'Keep binary logs at least as long as the backup interval (binlog_expire_logs_seconds).',
    });
  } else {
    checks.push({
      id: 'binlog_expiry',
      status: 'ok',
      message: expiry ? `binary logs kept ${Math.round(expiry / 3600)} h` : 'binary logs never expire (watch the disk)',
      evidence: expiryEvidence,
    });
  }
  const durable = v.sync_binlog === '1' && v.innodb_flush_log_at_trx_commit === '1';
  checks.push({
    id: 'durability',
    status: durable ? 'ok' : 'warn',
    message: durable
      ? 'sync_binlog=1 and innodb_flush_log_at_trx_commit=1'
      : `sync_binlog=${v.sync_binlog}, innodb_flush_log_at_trx_commit=${v.innodb_flush_log_at_trx_commit}: a crash can lose committed transactions from the binary log`,
    evidence: {
      sync_binlog: v.sync_binlog ?? null,
      innodb_flush_log_at_trx_commit: v.innodb_flush_log_at_trx_commit ?? null,
    },
  });
  return checks;
}

export function gtidCheck(v: Vars): BackupCheck {
  const evidence = {
    gtid_mode: v.gtid_mode ?? null,
    enforce_gtid_consistency: v.enforce_gtid_consistency ?? null,
    gtid_strict_mode: v.gtid_strict_mode ?? null,
    gtid_position: v.gtid_binlog_pos || v.gtid_current_pos || v.gtid_executed || null,
  };
  if (v.gtid_mode !== undefined) {
    return {
      id: 'gtid',
      status: 'info',
      message: on(v.gtid_mode)
        ? 'GTIDs are on: a restore can be positioned by GTID'
        : 'GTID mode is off (gtid_mode): position a restore by binary log file and offset',
      evidence,
    };
  }
  // MariaDB has no gtid_mode: every transaction written to the binary log carries a GTID
  // (domain-server-sequence); gtid_strict_mode only refuses out-of-order ones.
  if (on(v.log_bin) && v.gtid_binlog_pos) {
    const strict = on(v.gtid_strict_mode)
      ? 'gtid_strict_mode is on'
      : 'gtid_strict_mode is off, so out-of-order GTIDs are accepted';
    return {
      id: 'gtid',
      status: 'info',
      message: `the binary log carries MariaDB GTIDs (now at ${v.gtid_binlog_pos}): a restore can be positioned by GTID; ${strict}`,
      evidence,
    };
  }
  return {
    id: 'gtid',
    status: 'info',
    message: on(v.log_bin)
      ? 'no GTID in the binary log yet: position a restore by binary log file and offset'
      : 'no binary log, so no GTID position to recover to',
    evidence,
  };
}

async function binaryLogsCheck(driver: MysqlDriver): Promise<BackupCheck> {
  const rows = await driver.catalog<{ Log_name: string; File_size: string | number }>('SHOW BINARY LOGS');
  const bytes = rows.reduce((n, r) => n + Number(r.File_size), 0);
  const evidence = {
    files: rows.length,
    bytes,
    oldest: rows[0]?.Log_name ?? null,
    newest: rows.at(-1)?.Log_name ?? null,
  };
  if (!rows.length)
    return {
      id: 'binary_logs',
      status: 'warn',
      message: 'binary logging is on but no binary log is present',
      evidence,
    };
  return {
    id: 'binary_logs',
    status: 'ok',
    message: `${rows.length} binary logs present (${Math.round(bytes / 1024 ** 2)} MB), ${evidence.oldest} to ${evidence.newest}`,
    evidence,
  };
}

const CHECKPOINTS = ['xtrabackup_checkpoints', 'mariadb_backup_checkpoints'];

function physicalBackupCheck(dir: string, env: BackupEnv): BackupCheck | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const found = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => CHECKPOINTS.map((c) => path.join(dir, e.name, c)).filter((f) => fs.existsSync(f)))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  const newest = found[0];
  if (!newest) return undefined;
  const text = fs.readFileSync(newest, 'utf8');
  const field = (k: string) => new RegExp(`^${k}\\s*=\\s*(\\S+)`, 'm').exec(text)?.[1] ?? null;
  const made = fs.statSync(newest).mtime;
  const evidence = {
    backup: path.basename(path.dirname(newest)),
    backup_type: field('backup_type'),
    from_lsn: field('from_lsn'),
    to_lsn: field('to_lsn'),
    last_lsn: field('last_lsn'),
    age_hours: ageHours(made),
  };
  if (hoursSince(made) > env.maxAgeHours)
    return {
      id: 'physical_backup',
      status: 'warn',
      message: `the newest mariabackup/xtrabackup backup ${evidence.backup} is ${describeAge(made)} old`,
      evidence,
    };
  if (evidence.backup_type !== 'full-prepared' && evidence.backup_type !== 'log-applied') {
    return {
      id: 'physical_backup',
      status: 'warn',
      message: `mariabackup/xtrabackup backup ${evidence.backup} is not prepared (backup_type ${evidence.backup_type}): it must be prepared (--prepare) before it can be restored`,
      evidence,
      fix: 'Run mariabackup --prepare --target-dir=... (xtrabackup --prepare) and test the restore.',
    };
  }
  return {
    id: 'physical_backup',
    status: 'ok',
    message: `mariabackup/xtrabackup backup ${evidence.backup} is prepared (${evidence.backup_type}), ${describeAge(made)} old`,
    evidence,
  };
}

export async function mysqlReadinessChecks(driver: MysqlDriver, env: BackupEnv): Promise<BackupCheck[]> {
  let v: Vars;
  try {
    v = await variables(driver);
  } catch (err) {
    return [unreadableServer('server_variables', 'variables', err)];
  }
  const checks = [...binlogChecks(v, env), gtidCheck(v)];
  if (on(v.log_bin)) checks.push(...(await guardedCheck('binary_logs', () => binaryLogsCheck(driver))));
  const physical = physicalBackupCheck(env.dir, env);
  if (physical) checks.push(physical);
  return checks;
}

/** The server could not be asked (down, login refused, ...): the reason with its code and hint. */
function unreadableServer(id: string, what: string, err: unknown): BackupCheck {
  const tool = asToolError(err);
  const reason = tool.code === 'INTERNAL' ? tool.message : `${tool.code}: ${tool.message}`;
  return {
    id,
    status: 'warn',
    message: `could not read the server's ${what}: ${reason}`,
    evidence: { error: reason },
    ...(tool.code === 'INTERNAL' ? {} : { fix: tool.hint }),
  };
}
