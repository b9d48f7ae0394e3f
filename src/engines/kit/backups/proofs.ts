/**
 * Proofs: what verify_backup found when it restored a backup, kept under
 * `<state_dir>/backups/proofs/<source>/` (one JSON file each), so check_backups can say when a
 * backup was last proven by a restore, and which one.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../../../core/json-file.js';

/** A timestamp read back from a proof file: one that is not a date makes the file no proof (never a fresh one). */
const Timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date');

export const ProofSchema = z.object({
  v: z.literal(1),
  source: z.string(),
  backup: z.string().describe('The backup file name'),
  backup_created_at: Timestamp,
  sha256: z.string().nullable(),
  verified_at: Timestamp,
  ok: z.boolean(),
  reason: z.string().nullable(),
  restore_ms: z.number().nullable(),
  target: z.string().nullable(),
  tables: z.number().int(),
  rows: z.number(),
});

export type Proof = z.infer<typeof ProofSchema>;

export function proofDir(stateDir: string, sourceId: string): string {
  return path.join(stateDir, 'backups', 'proofs', sourceId);
}

export function recordProof(stateDir: string, proof: Proof): string {
  const stamp = proof.verified_at.replace(/[-:.]/g, '');
  const file = path.join(proofDir(stateDir, proof.source), `${stamp}-${randomBytes(3).toString('hex')}.json`);
  writeJsonAtomic(file, proof);
  return file;
}

/** The proofs of a source, newest first; unreadable files are skipped. */
export function readProofs(stateDir: string, sourceId: string): Proof[] {
  const dir = proofDir(stateDir, sourceId);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const proofs: Proof[] = [];
  for (const name of names) {
    try {
      const parsed = ProofSchema.safeParse(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')));
      if (parsed.success) proofs.push(parsed.data);
    } catch {
      /* a torn or foreign file is not a proof */
    }
  }
  return proofs.sort((a, b) => b.verified_at.localeCompare(a.verified_at));
}
