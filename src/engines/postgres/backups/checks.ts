/**
 * check_backups facts of a PostgreSQL server (RULES 4.1, 4.2, 4.4): WAL level and archiving, the
 * archiver's own statistics (failures, backlog), replication slots holding WAL, base backups in
 * the backup dir checked with pg_verifybackup, pgBackRest when installed, and the PITR window.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findBinary, PG_BINARY_ROOTS } from '../../kit/backups/binaries.js';
import { ageHours, describeAge } from '../../kit/backups/files.js';
import { runProgram, stderrTail } from '../../kit/backups/process.js';
import { guardedCheck } from '../../kit/backups/readiness.js';
import { redactText, REDACTED } from '../../../core/redact.js';
import { asToolError } from '../../../core/errors.js';
import type { BackupCheck, BackupEnv } from '../../contract/backups.js';
import type { PgDriver } from '../core/driver.js';
import { pgBackRestChecks } from './pgbackrest.js';

type Settings = Record<string, string>;

const SETTINGS = `SELECT name, setting FROM pg_settings WHERE name IN ('wal_level', 'archive_mode', 'archive_command', 'archive_library', 'archive_timeout', 'max_slot_wal_keep_size')`;

async function settings(driver: PgDriver): Promise<Settings> {
  const rows = await driver.catalog<{ name: string; setting: string }>(SETTINGS);
  return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
}

const archiving = (s: Settings) => s.archive_mode === 'on' || s.archive_mode === 'always';

function walLevelCheck(s: Settings): BackupCheck {
  const evidence = { wal_level: s.wal_level ?? null };
  if (s.wal_level === 'minimal')
    return {
      id: 'wal_level',
      status: 'info',
      message:
        'wal_level is minimal: no WAL archiving, no replicas, no point-in-time recovery (recovery only to the newest dump)',
      evidence,
      fix: 'For point-in-time recovery set wal_level = replica (needs a restart).',
    };
  return { id: 'wal_level', status: 'ok', message: `wal_level is ${s.wal_level}`, evidence };
}

/** Credentials an archive_command often carries (KEY=value, --secret-key=value, user:password@ in a URL), redacted before it is shown. */
const SECRET_ASSIGNMENT =
  /(\b[\w-]*(?:secret|passw(?:or)?d|pwd|token|api[_-]?key|access[_-]?key|credential)[\w-]*\s*=\s*)("[^"]*"|'[^']*'|[^\s'"]+)/gi;
const redactCommand = (cmd: string) => redactText(cmd).replace(SECRET_ASSIGNMENT, `$1${REDACTED}`);

function archiveModeCheck(s: Settings): BackupCheck {
  const command = s.archive_command && s.archive_command !== '(disabled)' ? redactCommand(s.archive_command) : '';
  const evidence = {
    archive_mode: s.archive_mode ?? null,
    archive_command: command || null,
    archive_library: s.archive_library || null,
    archive_timeout_s: Number(s.archive_timeout ?? 0),
  };
  if (!archiving(s))
    return {
      id: 'archive_mode',
      status: 'info',
      message: 'WAL archiving is off: recovery is to the newest backup only, not to a point in time',
      evidence,
      fix: 'For point-in-time recovery: archive_mode = on (restart) and an archive_command or archive_library (pgBackRest, WAL-G, barman), plus base backups.',
    };
  if (!command && !s.archive_library)
    return {
      id: 'archive_mode',
      status: 'fail',
      message:
        'archive_mode is on but neither archive_command nor archive_library is set: WAL segments pile up in pg_wal until the disk is full',
      evidence,
      fix: 'Set archive_command (or archive_library), then SELECT pg_reload_conf().',
    };
  return {
    id: 'archive_mode',
    status: 'ok',
    message: `WAL archiving is on (${s.archive_library ? `archive_library ${s.archive_library}` : `archive_command ${command}`})`,
    evidence,
  };
}

interface ArchiverRow {
  archived_count: string;
  last_archived_wal: string | null;
  last_archived_time: Date | null;
  failed_count: string;
  last_failed_wal: string | null;
  last_failed_time: Date | null;
  stats_reset: Date | null;
  current_wal: string | null;
}

const ARCHIVER = `SELECT a.*, CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_walfile_name(pg_current_wal_lsn()) END AS current_wal FROM pg_stat_archiver a`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function archiverCheck(driver: PgDriver): Promise<BackupCheck> {
  const [a] = await driver.catalog<ArchiverRow>(ARCHIVER);
  if (!a) throw new Error('pg_stat_archiver returned no row');
  const pending = await driver
    .catalog<{ n: string }>(`SELECT count(*) AS n FROM pg_ls_archive_statusdir() WHERE name ~ '^[0-9A-F]{24}\\.ready$'`)
    .then(
      (r) => Number(r[0]?.n ?? 0),
      () => null,
    );
  const evidence = {
    archived_count: Number(a.archived_count),
    last_archived_wal: a.last_archived_wal,
    last_archived_time: iso(a.last_archived_time),
    failed_count: Number(a.failed_count),
    last_failed_wal: a.last_failed_wal,
    last_failed_time: iso(a.last_failed_time),
    stats_reset: iso(a.stats_reset),
    current_wal: a.current_wal,
    ready_to_archive: pending,
  };
  const failing = a.last_failed_time && (!a.last_archived_time || a.last_failed_time > a.last_archived_time);
  if (failing) {
    return {
      id: 'wal_archiver',
      status: 'fail',
      message: `WAL archiving is failing: the archiver failed ${Number(a.failed_count)} times, last on ${a.last_failed_wal} at ${iso(a.last_failed_time)}, and has not archived anything since${a.last_archived_time ? ` ${iso(a.last_archived_time)}` : ''}`,
      evidence,
      fix: "Read the PostgreSQL log for the archive_command's error (permissions, a full or unmounted archive, a network share), fix it; the archiver retries by itself. Until then WAL piles up in pg_wal.",
    };
  }
  if (pending !== null && pending > 10) {
    return {
      id: 'wal_archiver',
      status: 'warn',
      message: `${pending} WAL segments are waiting to be archived: archiving falls behind`,
      evidence,
      fix: "Check the archive_command's speed and the archive's storage.",
    };
  }
  const last = a.last_archived_time
    ? `last archived ${a.last_archived_wal} at ${iso(a.last_archived_time)}`
    : 'nothing archived yet since the statistics reset';
  return {
    id: 'wal_archiver',
    status: 'ok',
    message: `the archiver works: ${Number(a.archived_count)} segments archived, ${last}, ${Number(a.failed_count)} failures`,
    evidence,
  };
}

interface SlotRow {
  slot_name: string;
  slot_type: string;
  active: boolean;
  wal_status: string | null;
  retained_bytes: string | null;
}

const SLOTS = `SELECT slot_name, slot_type, active, wal_status, CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) END AS retained_bytes FROM pg_replication_slots ORDER BY 1`;
const SLOT_RETAINED_WARN = 1024 ** 3;

async function slotsCheck(driver: PgDriver): Promise<BackupCheck> {
  const slots = await driver.catalog<SlotRow>(SLOTS);
  const holding = slots.filter(
    (s) =>
      (!s.active && Number(s.retained_bytes ?? 0) > SLOT_RETAINED_WARN) ||
      s.wal_status === 'lost' ||
      s.wal_status === 'unreserved',
  );
  const evidence = {
    slots: slots.length,
    inactive:
      slots
        .filter((s) => !s.active)
        .map((s) => s.slot_name)
        .join(', ') || null,
    holding_wal:
      holding
        .map((s) => `${s.slot_name} (${s.wal_status}, ${Math.round(Number(s.retained_bytes ?? 0) / 1024 ** 2)} MB)`)
        .join(', ') || null,
  };
  if (holding.length)
    return {
      id: 'replication_slots',
      status: 'warn',
      message: `replication slots hold WAL back or lost it: ${evidence.holding_wal}`,
      evidence,
      fix: 'Drop slots nobody uses (SELECT pg_drop_replication_slot(name)), or bound them with max_slot_wal_keep_size.',
    };
  return {
    id: 'replication_slots',
    status: 'ok',
    message: slots.length
      ? `${slots.length} replication slots, none holding more than 1 GB of WAL`
      : 'no replication slots',
    evidence,
  };
}

/** Base backups (pg_basebackup, plain format) in the backup dir: a folder with a backup_manifest. */
function baseBackups(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'backup_manifest')))
    .map((e) => path.join(dir, e.name))
    .sort(
      (a, b) =>
        fs.statSync(path.join(b, 'backup_manifest')).mtimeMs - fs.statSync(path.join(a, 'backup_manifest')).mtimeMs,
    );
}

async function baseBackupCheck(dir: string, env: BackupEnv): Promise<BackupCheck | undefined> {
  const newest = baseBackups(dir)[0];
  if (!newest) return undefined;
  const made = fs.statSync(path.join(newest, 'backup_manifest')).mtime;
  const evidence = { base_backup: path.basename(newest), created_at: made.toISOString(), age_hours: ageHours(made) };
  const bin = findBinary({ names: ['pg_verifybackup'], versionedRoots: PG_BINARY_ROOTS, install: '' });
  if (!bin)
    return {
      id: 'base_backup',
      status: 'warn',
      message: `base backup ${path.basename(newest)} found, but pg_verifybackup is not installed to check it`,
      evidence,
      fix: 'Install the PostgreSQL 13+ client programs.',
    };
  const res = await runProgram(bin, ['--quiet', newest], { signal: env.signal });
  if (res.code !== 0)
    return {
      id: 'base_backup',
      status: 'fail',
      message: `pg_verifybackup rejects base backup ${path.basename(newest)}: ${stderrTail(res.stderr, 3)}`,
      evidence: { ...evidence, pg_verifybackup: stderrTail(res.stderr, 3) },
      fix: 'Take a new base backup (pg_basebackup -D ... -Xstream); this one cannot be restored as is.',
    };
  return {
    id: 'base_backup',
    status: 'ok',
    message: `pg_verifybackup accepts base backup ${path.basename(newest)} (${describeAge(made)} old): every file and the WAL it needs match its backup_manifest`,
    evidence,
  };
}

function pitrCheck(s: Settings, checks: readonly BackupCheck[]): BackupCheck | undefined {
  if (!archiving(s)) return undefined;
  const base = checks.find((c) => c.id === 'base_backup');
  const archiver = checks.find((c) => c.id === 'wal_archiver');
  if (!base || base.status !== 'ok')
    return {
      id: 'pitr_window',
      status: 'info',
      message:
        'WAL is archived, but the backup dir has no verified base backup: point-in-time recovery needs one (pg_basebackup or pgBackRest); dumps cannot replay WAL',
      evidence: { base_backup: base?.evidence.base_backup ?? null },
    };
  const from = base.evidence.created_at;
  const to = archiver?.evidence.last_archived_time ?? null;
  return {
    id: 'pitr_window',
    status: archiver?.status === 'ok' ? 'ok' : 'warn',
    message: `point-in-time recovery possible from ${from} to ${to ?? 'the last archived WAL'}`,
    evidence: { from: from ?? null, to },
  };
}

export async function pgReadinessChecks(driver: PgDriver, env: BackupEnv): Promise<BackupCheck[]> {
  let s: Settings;
  try {
    s = await settings(driver);
  } catch (err) {
    return [unreadableServer('server_settings', 'settings', err)];
  }
  const checks: BackupCheck[] = [walLevelCheck(s), archiveModeCheck(s)];
  if (archiving(s)) checks.push(...(await guardedCheck('wal_archiver', () => archiverCheck(driver))));
  checks.push(...(await guardedCheck('replication_slots', () => slotsCheck(driver))));
  const base = await guardedCheck('base_backup', async () => (await baseBackupCheck(env.dir, env)) ?? []);
  checks.push(...base);
  checks.push(...(await guardedCheck('pgbackrest', () => pgBackRestChecks(env))));
  const pitr = pitrCheck(s, checks);
  if (pitr) checks.push(pitr);
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
