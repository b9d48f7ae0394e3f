/** The latest records, read from the end of the newest files (for dba://audit/recent and `audit tail`). */
import fs from 'node:fs';
import { rotatedFiles, type AuditLocation } from './files.js';
import { parseLine } from './parse.js';
import { readTail } from './tail.js';
import type { AuditRecord } from './types.js';

/** Up to `limit` complete lines, oldest first, from the current file and, if it holds fewer, the rotated ones. */
export function readRecentLines(loc: AuditLocation, limit: number): string[] {
  const files = [
    loc.file,
    ...rotatedFiles(loc)
      .map((r) => r.file)
      .reverse(),
  ];
  let lines: string[] = [];
  for (const file of files) {
    if (lines.length >= limit) break;
    if (!fs.existsSync(file)) continue;
    lines = [...readTail(file, limit - lines.length).lines, ...lines];
  }
  return lines;
}

export function readRecentRecords(loc: AuditLocation, limit: number): AuditRecord[] {
  return readRecentLines(loc, limit)
    .map(parseLine)
    .flatMap((p) => (p.ok ? [p.record] : []));
}
