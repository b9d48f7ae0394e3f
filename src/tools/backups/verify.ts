/**
 * verify_backup: check the file against its manifest, restore it into a scratch target (the
 * engine always removes it), compare tables and row counts with the manifest, and record the
 * outcome as a proof for check_backups. A defect of the backup is a failed verification, not an
 * error: the result says why.
 */
import { BackupDefect, type TableCount } from '../../engines/contract/backups.js';
import { compareCounts, describeDiffs, type TableDiff } from './compare.js';
import { listBackups, pickBackup, type BackupFile } from '../../engines/kit/backups/files.js';
import { checkAgainstManifest, countsTotal } from '../../engines/kit/backups/manifest.js';
import { recordProof, type Proof } from '../../engines/kit/backups/proofs.js';
import { existingDir, type BackupSetup } from './setup.js';

export interface Verification {
  backup: BackupFile;
  ok: boolean;
  reason: string | null;
  restoreMs: number | null;
  target: string | null;
  restored: TableCount[];
  matched: number;
  diffs: TableDiff[];
  proofPath: string;
  notes: string[];
}

type Outcome = Omit<Verification, 'backup' | 'proofPath'>;

const failed = (reason: string, notes: string[] = []): Outcome => ({
  ok: false,
  reason,
  restoreMs: null,
  target: null,
  restored: [],
  matched: 0,
  diffs: [],
  notes,
});

async function restoreAndCompare(setup: BackupSetup, backup: BackupFile): Promise<Outcome> {
  const notes: string[] = [];
  if (backup.manifest) {
    const mismatch = await checkAgainstManifest(backup.path, backup.manifest);
    if (mismatch) return failed(`${mismatch.reason}; not restored: it is not the backup the manifest describes`);
  } else {
    notes.push(
      backup.manifest_error
        ? `the manifest could not be read (${backup.manifest_error}): row counts not compared`
        : 'no manifest beside this backup (not made by create_backup): row counts not compared',
    );
  }
  let restored;
  try {
    restored = await setup.ops.restore(backup.path, setup.env);
  } catch (err) {
    if (err instanceof BackupDefect) return failed(`the restore failed: ${err.message}`, notes);
    throw err;
  }
  const base = { restoreMs: restored.restoreMs, target: restored.target, restored: restored.tables, notes };
  if (!backup.manifest) {
    if (restored.tables.length === 0)
      return {
        ...base,
        ok: false,
        reason: 'the restore produced no tables, and there is no manifest to say that is right',
        matched: 0,
        diffs: [],
      };
    return { ...base, ok: true, reason: null, matched: 0, diffs: [] };
  }
  const { matched, diffs } = compareCounts(backup.manifest.tables, restored.tables);
  if (diffs.length)
    return {
      ...base,
      ok: false,
      reason: `the restore differs from the manifest: ${describeDiffs(diffs)}`,
      matched,
      diffs,
    };
  return { ...base, ok: true, reason: null, matched, diffs };
}

export async function verifyBackup(setup: BackupSetup, name: string | undefined): Promise<Verification> {
  existingDir(setup.env.dir);
  const backups = listBackups(setup.env.dir, setup.sourceId, (head, n) => setup.ops.isBackupFile(head, n));
  const backup = pickBackup(backups, setup.env.dir, name);
  const outcome = await restoreAndCompare(setup, backup);
  const proof: Proof = {
    v: 1,
    source: setup.sourceId,
    backup: backup.name,
    backup_created_at: backup.created_at.toISOString(),
    sha256: backup.manifest?.sha256 ?? null,
    verified_at: new Date().toISOString(),
    ok: outcome.ok,
    reason: outcome.reason,
    restore_ms: outcome.restoreMs,
    target: outcome.target,
    tables: outcome.restored.length,
    rows: countsTotal(outcome.restored),
  };
  const proofPath = recordProof(setup.stateDir, proof);
  return { backup, proofPath, ...outcome };
}
