import { z } from 'zod';
import { requireBackupSetup } from './setup.js';
import { verifyBackup } from './verify.js';
import { countsTotal } from '../../engines/kit/backups/manifest.js';
import { defineTool } from '../define-tool.js';
import { MAX_TABLES_SHOWN } from './output-schemas.js';

const DiffSchema = z.object({ table: z.string(), expected: z.number().nullable(), restored: z.number().nullable() });

export const verifyBackupTool = defineTool({
  name: 'verify_backup',
  title: 'Prove a backup restores',
  description:
    "Restore the newest backup (or the one named) into a scratch target and compare it with its manifest: first the file's size and sha256, then the restore (PostgreSQL: pg_restore into a scratch database dba_bk_<random> created on backups.scratch_dsn or the source's server, then dropped; " +
    "MySQL/MariaDB: the dump fed to the mariadb/mysql client into a scratch schema dba_bk_<random>, then dropped; SQLite: a temporary copy), then the table list and each table's row count. " +
    'The restore time is the measured recovery time. The outcome is recorded as a proof that check_backups reports. The scratch target is always removed, also after a failure. ' +
    'A damaged, truncated or incomplete backup gives status "failed" with the reason. The source database is only read, never written (it runs on a read-only source too); the scratch database needs a login that may create databases.',
  scope: 'source',
  access: 'read',
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false }, // reads the backup, creates and drops a scratch database
  input: {
    backup: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe('A backup file name in the backup dir (check_backups lists them); default: the newest'),
  },
  output: {
    status: z.enum(['verified', 'failed']),
    backup: z.string(),
    backup_created_at: z.string(),
    reason: z.string().nullable().describe('Why it failed'),
    restore_ms: z.number().nullable().describe('The measured recovery time'),
    target: z.string().nullable(),
    manifest: z.boolean().describe('Whether a manifest was there to compare with'),
    tables_restored: z.number().int(),
    tables_matched: z.number().int(),
    rows_restored: z.number(),
    differences: z
      .array(DiffSchema)
      .describe(`Tables whose rows differ from the manifest (the first ${MAX_TABLES_SHOWN})`),
    notes: z.array(z.string()),
    proof_path: z.string(),
  },
  async run({ backup }, ctx) {
    const v = await verifyBackup(requireBackupSetup(ctx), backup);
    return {
      status: v.ok ? ('verified' as const) : ('failed' as const),
      backup: v.backup.name,
      backup_created_at: v.backup.created_at.toISOString(),
      reason: v.reason,
      restore_ms: v.restoreMs,
      target: v.target,
      manifest: Boolean(v.backup.manifest),
      tables_restored: v.restored.length,
      tables_matched: v.matched,
      rows_restored: countsTotal(v.restored),
      differences: v.diffs.slice(0, MAX_TABLES_SHOWN),
      notes: v.notes,
      proof_path: v.proofPath,
    };
  },
  render(out) {
    const head =
      out.status === 'verified'
        ? `backup ${out.backup}: verified — restored in ${((out.restore_ms ?? 0) / 1000).toFixed(2)} s into ${out.target}; ${out.tables_restored} table(s), ${out.rows_restored} rows${out.manifest ? `, all ${out.tables_matched} tables match the manifest` : ''}`
        : `backup ${out.backup}: FAILED — ${out.reason}`;
    return [head, ...out.notes.map((n) => `note: ${n}`), `proof recorded: ${out.proof_path}`].join('\n');
  },
});
