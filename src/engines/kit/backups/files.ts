/**
 * The backup dir: where it is, what create_backup names its files, and which files in it are
 * backups of a source (recognized by their content, with their manifest when there is one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ToolError } from '../../../core/errors.js';
import { isManifest, isManifestName, readManifest, type Manifest } from './manifest.js';

export interface BackupFile {
  path: string;
  name: string;
  size_bytes: number;
  /** The manifest's created_at, else the file's modification time. */
  created_at: Date;
  manifest?: Manifest;
  /** Why the manifest beside it could not be read. */
  manifest_error?: string;
}

/** An absolute dir as is; a relative one under the state dir. */
export function resolveBackupDir(dir: string, stateDir: string): string {
  return path.resolve(stateDir, dir);
}

/** `<source>-<UTC timestamp><ext>`, e.g. shop-20261124T231500Z.dump; sorts by time. */
export function newBackupName(sourceId: string, ext: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${sourceId}-${stamp}${ext}`;
}

const PARTIAL = /\.(partial|tmp)$/;

function head(file: string, bytes = 256): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The backups of `sourceId` in `dir`, newest first: files the engine recognizes, leaving out
 * those whose manifest names another source (a dir shared by several sources).
 */
export function listBackups(
  dir: string,
  sourceId: string,
  isBackupFile: (head: Buffer, name: string) => boolean,
): BackupFile[] {
  const found: BackupFile[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (isManifestName(name) || PARTIAL.test(name)) continue;
    const file = path.join(dir, name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
      if (!stat.isFile() || !isBackupFile(head(file), name)) continue;
    } catch {
      continue;
    }
    const manifest = readManifest(file);
    if (isManifest(manifest) && manifest.source !== sourceId) continue;
    found.push({
      path: file,
      name,
      size_bytes: stat.size,
      created_at: (isManifest(manifest) && validDate(manifest.created_at)) || stat.mtime,
      ...(isManifest(manifest) ? { manifest } : {}),
      ...(manifest && 'error' in manifest ? { manifest_error: manifest.error } : {}),
    });
  }
  return found.sort((a, b) => b.created_at.getTime() - a.created_at.getTime());
}

/** A date read back from a file (a manifest's created_at), or undefined when it is not one. */
function validDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The backup named by the caller (a file name in the dir, never a path elsewhere), or the newest. */
export function pickBackup(backups: readonly BackupFile[], dir: string, name: string | undefined): BackupFile {
  if (name === undefined) {
    const newest = backups[0];
    if (!newest)
      throw new ToolError(
        'INVALID_ARGUMENT',
        `there is no backup in ${dir}`,
        'Make one with create_backup, or check backups.dir in the config.',
      );
    return newest;
  }
  if (name !== path.basename(name) || name === '..' || name === '.') {
    throw new ToolError(
      'INVALID_ARGUMENT',
      `backup "${name}" is not a file name: give the name of a file in the backup dir`,
      'check_backups lists the backups by name.',
    );
  }
  const found = backups.find((b) => b.name === name);
  if (!found)
    throw new ToolError(
      'INVALID_ARGUMENT',
      `no backup named "${name}" in ${dir}`,
      `Backups there: ${
        backups
          .slice(0, 10)
          .map((b) => b.name)
          .join(', ') || 'none'
      }.`,
    );
  return found;
}

/** Hours since `from`, exactly (for comparing with max_age_hours). */
export function hoursSince(from: Date, now = new Date()): number {
  return (now.getTime() - from.getTime()) / 3_600_000;
}

/** How old, in words: "40 s", "12 min", "3.5 h", "2.1 days". */
export function describeAge(from: Date, now = new Date()): string {
  const s = Math.max(0, (now.getTime() - from.getTime()) / 1000);
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} days`;
}

/** Hours since `from`, rounded to 0.01 (for showing). */
export function ageHours(from: Date, now = new Date()): number {
  return Math.round(hoursSince(from, now) * 100) / 100;
}
