/** Output pieces shared by check_backups, create_backup and verify_backup. */
import { z } from 'zod';

export const EvidenceSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const CheckSchema = z.object({
  id: z.string(),
  status: z.enum(['ok', 'warn', 'fail', 'info']).describe('info: a fact that does not change the verdict'),
  message: z.string(),
  evidence: EvidenceSchema,
  fix: z.string().optional(),
});

export const TableCountSchema = z.object({ table: z.string(), rows: z.number() });

/** At most this many tables are listed in a result (all are in the manifest). */
export const MAX_TABLES_SHOWN = 100;
