/**
 * Where the chain stands when a writer opens the log: the seq and hash of the last record, read
 * from the end of the newest file. A torn last line (a write cut short by a crash or a full disk)
 * is cut away, and the writer records that it did so with the dropped bytes' length and hash.
 */
import fs from 'node:fs';
import { expectedLine, GENESIS, sha256 } from './canonical.js';
import { rotatedFiles, type AuditLocation } from './files.js';
import { parseLine } from './parse.js';
import { readTail } from './tail.js';

export interface ChainHead {
  seq: number;
  hash: string;
  /** Set when a torn last line was cut away. */
  repaired?: { file: string; dropped_bytes: number; dropped_sha256: string };
}

export class AuditCorruptError extends Error {
  override readonly name = 'AuditCorruptError';
}

function cutTornTail(file: string, size: number, tornBytes: number): ChainHead['repaired'] {
  const fd = fs.openSync(file, 'r+');
  try {
    const dropped = Buffer.alloc(tornBytes);
    fs.readSync(fd, dropped, 0, tornBytes, size - tornBytes);
    fs.ftruncateSync(fd, size - tornBytes);
    return { file, dropped_bytes: tornBytes, dropped_sha256: sha256(dropped.toString('latin1')) };
  } finally {
    fs.closeSync(fd);
  }
}

function headOf(file: string, line: string): ChainHead {
  const parsed = parseLine(line);
  if (!parsed.ok) throw new AuditCorruptError(`the last record of ${file} is damaged (${parsed.reason})`);
  if (expectedLine(parsed.record).hash !== parsed.record.hash)
    throw new AuditCorruptError(`the last record of ${file} (seq ${parsed.record.seq}) does not match its hash`);
  return { seq: parsed.record.seq, hash: parsed.record.hash };
}

/** The newest file holding a record decides; an empty current file (just rotated) defers to the rotated ones. */
export function resumeChain(loc: AuditLocation): ChainHead {
  let repaired: ChainHead['repaired'];
  const candidates = [
    loc.file,
    ...rotatedFiles(loc)
      .map((r) => r.file)
      .reverse(),
  ];
  for (const file of candidates) {
    if (!fs.existsSync(file)) continue;
    const tail = readTail(file, 1);
    if (tail.tornBytes > 0) {
      if (file !== loc.file)
        throw new AuditCorruptError(`${file} ends with an incomplete line; rotated files are never written to`);
      repaired = cutTornTail(file, tail.size, tail.tornBytes);
    }
    const last = tail.lines.at(-1);
    if (last !== undefined) return { ...headOf(file, last), ...(repaired && { repaired }) };
  }
  return { seq: 0, hash: GENESIS, ...(repaired && { repaired }) };
}
