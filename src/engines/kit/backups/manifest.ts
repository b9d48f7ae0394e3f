/**
 * The manifest written beside every backup create_backup makes (`<file>.manifest.json`): when,
 * of what, by which tool, and what the file must be (size, sha256) and hold (rows per table).
 * verify_backup checks a file against it before restoring and compares the restore with it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import type { TableCount } from '../../contract/backups.js';
import { writeJsonAtomic } from '../../../core/json-file.js';

export const ManifestSchema = z.object({
  v: z.literal(1),
  file: z.string().describe('The backup file name, in the same folder'),
  source: z.string(),
  engine: z.string(),
  server_version: z.string(),
  format: z.string(),
  tool: z.string(),
  started_at: z.string(),
  created_at: z.string().describe('When the backup was complete'),
  duration_ms: z.number(),
  size_bytes: z.number(),
  sha256: z.string(),
  counts_from: z.string(),
  tables: z.array(z.object({ table: z.string(), rows: z.number() })),
});

export type Manifest = z.infer<typeof ManifestSchema>;

export function manifestPath(file: string): string {
  return `${file}.manifest.json`;
}

export function isManifestName(name: string): boolean {
  return name.endsWith('.manifest.json');
}

/** The manifest beside `file`, undefined when there is none, or an error message when it cannot be read. */
export function readManifest(file: string): Manifest | undefined | { error: string } {
  let text: string;
  try {
    text = fs.readFileSync(manifestPath(file), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { error: (err as Error).message };
  }
  try {
    const parsed = ManifestSchema.safeParse(JSON.parse(text));
    return parsed.success
      ? parsed.data
      : { error: `not a dba-mcp manifest: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
}

export function isManifest(m: ReturnType<typeof readManifest>): m is Manifest {
  return m !== undefined && !('error' in m);
}

export function writeManifest(file: string, manifest: Manifest): void {
  writeJsonAtomic(manifestPath(file), manifest);
}

/** sha256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface FileMismatch {
  reason: string;
  size_bytes: number;
  expected_size_bytes: number;
  /** Null when the size already differs (not hashed) or the file is too big to hash here. */
  sha256: string | null;
  expected_sha256: string;
}

/**
 * Whether the file is still what the manifest recorded; a reason when it is not. The size is
 * compared first; the sha256 only when the size matches and the file is at most `maxHashBytes`.
 */
export async function checkAgainstManifest(
  file: string,
  manifest: Manifest,
  maxHashBytes = Infinity,
): Promise<FileMismatch | undefined> {
  const size = fs.statSync(file).size;
  const base = {
    size_bytes: size,
    expected_size_bytes: manifest.size_bytes,
    sha256: null,
    expected_sha256: manifest.sha256,
  };
  if (size < manifest.size_bytes)
    return { ...base, reason: `the file is truncated: ${size} bytes, the manifest recorded ${manifest.size_bytes}` };
  if (size > manifest.size_bytes)
    return { ...base, reason: `the file grew: ${size} bytes, the manifest recorded ${manifest.size_bytes}` };
  if (size > maxHashBytes) return undefined;
  const sha = await sha256File(file);
  if (sha === manifest.sha256) return undefined;
  return {
    ...base,
    sha256: sha,
    reason: `the file was changed: same size, but its sha256 ${sha.slice(0, 12)}... differs from the manifest's ${manifest.sha256.slice(0, 12)}...`,
  };
}

export function countsTotal(tables: readonly TableCount[]): number {
  return tables.reduce((n, t) => n + t.rows, 0);
}
