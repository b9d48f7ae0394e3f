import { z } from 'zod';
import { ageHours, describeAge } from '../../engines/kit/backups/files.js';
import { dirChecks, noDirCheck, verdict } from '../../engines/kit/backups/readiness.js';
import { backupOpsOf, backupSetupOf } from './setup.js';
import type { BackupCheck } from '../../engines/contract/backups.js';
import { defineTool } from '../define-tool.js';
import { CheckSchema } from './output-schemas.js';

const BackupListing = z.object({
  name: z.string(),
  created_at: z.string(),
  age_hours: z.number(),
  size_bytes: z.number(),
  manifest: z.boolean(),
});

const MAX_LISTED = 20;

const ICON = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', info: 'info' } as const;

export const checkBackups = defineTool({
  name: 'check_backups',
  title: 'Check backup readiness',
  description:
    'Could this database be recovered to within backups.max_age_hours, and has that been proven? Answers from facts, each check with its evidence: ' +
    "the backup dir and the age of the newest backup, whether the engine's own tool can read it (pg_restore --list, PRAGMA integrity_check, the dump's completion line) and whether it still matches its manifest (size, sha256), " +
    'when a backup was last proven by a restore (verify_backup), and the server side: PostgreSQL wal_level, archive_mode/archive_command, pg_stat_archiver failures and backlog, replication slots holding WAL, base backups checked with pg_verifybackup, pgBackRest info when installed, the point-in-time-recovery window; ' +
    'MySQL/MariaDB log_bin, binlog_format, binlog expiry, GTID, the binary logs present, mariabackup/xtrabackup folders; SQLite journal mode. ' +
    'status is fail if any check fails, warn if any warns, else ok (info checks are facts that do not count). It only reads.',
  scope: 'source',
  access: 'read',
  input: {},
  output: {
    status: z.enum(['ok', 'warn', 'fail']),
    summary: z.string(),
    dir: z.string().nullable().describe('The backup dir, null when none is configured'),
    max_age_hours: z.number().nullable(),
    checks: z.array(CheckSchema),
    backups: z.array(BackupListing).describe(`The newest ${MAX_LISTED} backups of this source in the dir`),
    last_proof: z
      .object({
        backup: z.string(),
        verified_at: z.string(),
        ok: z.boolean(),
        restore_ms: z.number().nullable(),
        reason: z.string().nullable(),
      })
      .nullable()
      .describe('The newest verify_backup outcome'),
  },
  async run(_args, ctx) {
    const ops = backupOpsOf(ctx);
    const setup = backupSetupOf(ctx);
    if (!setup) {
      const env = { dir: '', maxAgeHours: 24, signal: ctx.signal };
      const checks: BackupCheck[] = [noDirCheck(ctx.source.id), ...(await ops.readinessChecks(env))];
      return {
        status: 'fail' as const,
        summary: summarize('fail', checks),
        dir: null,
        max_age_hours: null,
        checks,
        backups: [],
        last_proof: null,
      };
    }
    const facts = await dirChecks(setup.sourceId, ops, setup.env, setup.stateDir);
    const checks = [...facts.checks, ...(await ops.readinessChecks(setup.env))];
    const status = verdict(checks);
    const p = facts.lastProof;
    return {
      status,
      summary: summarize(status, checks),
      dir: setup.env.dir,
      max_age_hours: setup.env.maxAgeHours,
      checks,
      backups: facts.backups.slice(0, MAX_LISTED).map((b) => ({
        name: b.name,
        created_at: b.created_at.toISOString(),
        age_hours: ageHours(b.created_at),
        size_bytes: b.size_bytes,
        manifest: Boolean(b.manifest),
      })),
      last_proof: p
        ? { backup: p.backup, verified_at: p.verified_at, ok: p.ok, restore_ms: p.restore_ms, reason: p.reason }
        : null,
    };
  },
  render(out) {
    const lines = [
      `backups: ${out.status} — ${out.summary}`,
      `dir: ${out.dir ?? '(none configured)'}${out.max_age_hours !== null ? `, max_age_hours ${out.max_age_hours}` : ''}`,
    ];
    for (const c of out.checks)
      lines.push(
        `[${ICON[c.status]}] ${c.id}: ${c.message}${c.fix && c.status !== 'ok' ? `\n       fix: ${c.fix}` : ''}`,
      );
    if (out.backups.length)
      lines.push(
        `newest backups: ${out.backups
          .slice(0, 5)
          .map(
            (b) =>
              `${b.name} (${describeAge(new Date(b.created_at))} old, ${b.size_bytes} bytes${b.manifest ? '' : ', no manifest'})`,
          )
          .join('; ')}`,
      );
    return lines.join('\n');
  },
});

function summarize(status: 'ok' | 'warn' | 'fail', checks: readonly BackupCheck[]): string {
  const bad = checks.filter((c) => c.status === 'fail' || c.status === 'warn');
  if (status === 'ok')
    return ['newest_backup', 'restore_proof']
      .map((id) => checks.find((c) => c.id === id)?.message)
      .filter(Boolean)
      .join('; ');
  return `${bad.length} problem${bad.length === 1 ? '' : 's'}: ${bad.map((c) => `${c.id} (${c.status})`).join(', ')}`;
}
