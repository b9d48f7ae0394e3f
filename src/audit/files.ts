/**
 * Where the log lives: the current file (default <state-dir>/audit/audit.jsonl), the rotated files
 * beside it (audit-000001.jsonl, audit-000002.jsonl, ... oldest first) and the lock file
 * (audit.lock). The chain runs through the rotated files in number order, then the current file.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface AuditLocation {
  /** The file being appended to. */
  file: string;
  dir: string;
  /** The file name without .jsonl: the prefix of the rotated files and the lock. */
  base: string;
}

export function locationOf(file: string): AuditLocation {
  const resolved = path.resolve(file);
  return { file: resolved, dir: path.dirname(resolved), base: path.basename(resolved).replace(/\.jsonl$/, '') };
}

export const defaultAuditFile = (stateDir: string) => path.join(stateDir, 'audit', 'audit.jsonl');

export const lockFileOf = (loc: AuditLocation) => path.join(loc.dir, `${loc.base}.lock`);

export const rotatedFile = (loc: AuditLocation, n: number) =>
  path.join(loc.dir, `${loc.base}-${String(n).padStart(6, '0')}.jsonl`);

/** The rotated files, oldest first, with their numbers. */
export function rotatedFiles(loc: AuditLocation): { file: string; n: number }[] {
  let names: string[];
  try {
    names = fs.readdirSync(loc.dir);
  } catch {
    return [];
  }
  const pattern = new RegExp(`^${loc.base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{6,})\\.jsonl$`);
  return names
    .map((name) => ({ name, m: pattern.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .map(({ name, m }) => ({ file: path.join(loc.dir, name), n: Number(m[1]) }))
    .sort((a, b) => a.n - b.n);
}

/** Every file of the chain in order: rotated files, then the current file if it exists. */
export function chainFiles(loc: AuditLocation): string[] {
  const files = rotatedFiles(loc).map((r) => r.file);
  return fs.existsSync(loc.file) ? [...files, loc.file] : files;
}
