/**
 * The checks every engine shares: is there a backup dir, how old is the newest backup, can it be
 * read, and when was a backup last proven by a restore. Then the verdict over all checks.
 */
import fs from 'node:fs';
import type { BackupCheck, BackupEnv, BackupOps, BackupCheckStatus } from '../../contract/backups.js';
import { ageHours, describeAge, hoursSince, listBackups, type BackupFile } from './files.js';
import { checkAgainstManifest } from './manifest.js';
import { readProofs, type Proof } from './proofs.js';

/** check_backups hashes the newest backup up to this size (verify_backup always does). */
const HASH_MAX_BYTES = 2 * 1024 ** 3;

export function noDirCheck(sourceId: string): BackupCheck {
  return {
    id: 'backup_dir',
    status: 'fail',
    message: `no backup dir configured for source "${sourceId}": dba-mcp cannot see any backup of it`,
    evidence: { configured: false },
    fix: 'Add backups: { dir, max_age_hours } to the source in the config file, then create_backup and verify_backup.',
  };
}

function dirCheck(dir: string): BackupCheck {
  if (!fs.existsSync(dir))
    return {
      id: 'backup_dir',
      status: 'fail',
      message: `the backup dir ${dir} does not exist`,
      evidence: { dir, exists: false },
      fix: 'Run create_backup (it makes the dir) or fix backups.dir.',
    };
  let writable = true;
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    writable = false;
  }
  return {
    id: 'backup_dir',
    status: 'ok',
    message: `backup dir ${dir}${writable ? '' : ' (not writable by dba-mcp: create_backup cannot write here)'}`,
    evidence: { dir, exists: true, writable },
  };
}

function newestCheck(newest: BackupFile | undefined, env: BackupEnv, ops: BackupOps): BackupCheck {
  if (!newest)
    return {
      id: 'newest_backup',
      status: 'fail',
      message: `no ${ops.format} backup in ${env.dir}`,
      evidence: { dir: env.dir, backups: 0 },
      fix: 'Run create_backup, and schedule backups more often than max_age_hours.',
    };
  const age = ageHours(newest.created_at);
  const evidence = {
    file: newest.name,
    created_at: newest.created_at.toISOString(),
    age_hours: age,
    max_age_hours: env.maxAgeHours,
    size_bytes: newest.size_bytes,
    manifest: Boolean(newest.manifest),
  };
  if (hoursSince(newest.created_at) > env.maxAgeHours) {
    return {
      id: 'newest_backup',
      status: 'fail',
      message: `the newest backup is ${describeAge(newest.created_at)} old, older than max_age_hours (${env.maxAgeHours} h): a recovery now would lose more than that`,
      evidence,
      fix: 'Run create_backup now, and check the backup schedule (cron, timer) that should have made a newer one.',
    };
  }
  return {
    id: 'newest_backup',
    status: 'ok',
    message: `the newest backup ${newest.name} is ${describeAge(newest.created_at)} old (max ${env.maxAgeHours} h)`,
    evidence,
  };
}

async function readableCheck(newest: BackupFile, env: BackupEnv, ops: BackupOps): Promise<BackupCheck> {
  if (newest.manifest) {
    const mismatch = await checkAgainstManifest(newest.path, newest.manifest, HASH_MAX_BYTES);
    if (mismatch) {
      return {
        id: 'newest_backup_readable',
        status: 'fail',
        message: `${newest.name}: ${mismatch.reason}`,
        evidence: { file: newest.name, ...mismatch },
        fix: 'Do not count on this backup: make a new one with create_backup and find out what damaged it (disk, copy job, retention script).',
      };
    }
  }
  const seen = await ops.inspect(newest.path, env);
  const evidence = {
    file: newest.name,
    manifest_matches: newest.manifest ? true : null,
    sha256_checked: newest.manifest ? newest.size_bytes <= HASH_MAX_BYTES : null,
    ...seen.evidence,
  };
  if (!seen.ok)
    return {
      id: 'newest_backup_readable',
      status: 'fail',
      message: `${newest.name}: ${seen.message}`,
      evidence,
      fix: 'Make a new backup with create_backup; this one cannot be restored.',
    };
  return { id: 'newest_backup_readable', status: 'ok', message: `${newest.name}: ${seen.message}`, evidence };
}

function proofEvidence(p: Proof) {
  return {
    backup: p.backup,
    backup_created_at: p.backup_created_at,
    verified_at: p.verified_at,
    ok: p.ok,
    restore_ms: p.restore_ms,
    tables: p.tables,
    rows: p.rows,
    reason: p.reason,
  };
}

/** The newest proof, and whether a backup younger than max_age_hours was proven by a restore. */
function proofCheck(proofs: readonly Proof[], backups: readonly BackupFile[], env: BackupEnv): BackupCheck {
  // A proof counts for a backup still in the dir, and still the same file (its manifest's sha256).
  const present = new Map(backups.map((b) => [b.name, b.manifest?.sha256 ?? null]));
  const stillThere = (p: Proof) => present.has(p.backup) && (p.sha256 === null || present.get(p.backup) === p.sha256);
  const newest = backups[0];
  const latest = proofs[0];
  if (latest && !latest.ok && newest && latest.backup === newest.name) {
    return {
      id: 'restore_proof',
      status: 'fail',
      message: `the newest backup ${newest.name} failed its restore test at ${latest.verified_at}: ${latest.reason}`,
      evidence: proofEvidence(latest),
      fix: 'Make a new backup with create_backup and verify it with verify_backup.',
    };
  }
  const proven = proofs.find((p) => p.ok && stillThere(p));
  if (!proven) {
    return {
      id: 'restore_proof',
      status: 'warn',
      message: 'no backup in the dir has been proven by a restore: an untested backup is not a backup',
      evidence: { proofs: proofs.length },
      fix: 'Run verify_backup: it restores the newest backup into a scratch target and compares it with its manifest.',
    };
  }
  const age = ageHours(new Date(proven.backup_created_at));
  const evidence = { ...proofEvidence(proven), backup_age_hours: age, max_age_hours: env.maxAgeHours };
  const when = `${proven.backup} (${describeAge(new Date(proven.backup_created_at))} old) was restored ${describeAge(new Date(proven.verified_at))} ago in ${((proven.restore_ms ?? 0) / 1000).toFixed(2)} s, ${proven.tables} table(s) and ${proven.rows} rows as recorded`;
  if (hoursSince(new Date(proven.backup_created_at)) > env.maxAgeHours) {
    return {
      id: 'restore_proof',
      status: 'warn',
      message: `the newest backup proven by a restore is older than max_age_hours (${env.maxAgeHours} h): ${when}`,
      evidence,
      fix: 'Run verify_backup on the newest backup.',
    };
  }
  return { id: 'restore_proof', status: 'ok', message: `proven: ${when}`, evidence };
}

export interface DirFacts {
  backups: BackupFile[];
  checks: BackupCheck[];
  lastProof: Proof | undefined;
}

/** The shared checks over the backup dir and the proofs. */
export async function dirChecks(sourceId: string, ops: BackupOps, env: BackupEnv, stateDir: string): Promise<DirFacts> {
  const dir = dirCheck(env.dir);
  const proofs = readProofs(stateDir, sourceId);
  if (dir.status !== 'ok') return { backups: [], checks: [dir], lastProof: proofs[0] };
  const backups = listBackups(env.dir, sourceId, (head, name) => ops.isBackupFile(head, name));
  const checks = [dir, newestCheck(backups[0], env, ops)];
  if (backups[0]) checks.push(await readableCheck(backups[0], env, ops));
  checks.push(proofCheck(proofs, backups, env));
  return { backups, checks, lastProof: proofs[0] };
}

export function verdict(checks: readonly BackupCheck[]): Exclude<BackupCheckStatus, 'info'> {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'warn')) return 'warn';
  return 'ok';
}

/** A check that could not be made (no privilege, server down) is a warning, with the reason as evidence. */
export async function guardedCheck(
  id: string,
  make: () => Promise<BackupCheck | BackupCheck[]>,
): Promise<BackupCheck[]> {
  try {
    const made = await make();
    return Array.isArray(made) ? made : [made];
  } catch (err) {
    return [
      {
        id,
        status: 'warn',
        message: `could not check: ${(err as Error).message}`,
        evidence: { error: (err as Error).message },
        fix: "Give the source's login the privilege to read this (see the README), or check it by hand.",
      },
    ];
  }
}
