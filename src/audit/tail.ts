/**
 * The last lines of a log file, read backwards in chunks: a restart reads only the end of a
 * 64 MB file, not all of it. Bytes after the last '\n' are a torn line (a write cut short by a
 * crash or a full disk), reported apart from the complete lines.
 */
import fs from 'node:fs';

const CHUNK = 64 * 1024;
const NL = 0x0a;

export interface Tail {
  /** Up to `n` complete lines, oldest first, without their '\n'. */
  lines: string[];
  /** The file size in bytes. */
  size: number;
  /** Bytes after the last '\n' (0 when the file ends with one). */
  tornBytes: number;
}

function countNewlines(buf: Buffer): number {
  let count = 0;
  for (let i = buf.indexOf(NL); i !== -1; i = buf.indexOf(NL, i + 1)) count++;
  return count;
}

/** Reads backwards until the buffer holds n + 1 newlines (or the whole file). */
function readEnd(fd: number, size: number, n: number): Buffer {
  let buf = Buffer.alloc(0);
  let pos = size;
  let newlines = 0;
  while (pos > 0 && newlines <= n) {
    const len = Math.min(CHUNK, pos);
    pos -= len;
    const chunk = Buffer.alloc(len);
    fs.readSync(fd, chunk, 0, len, pos);
    newlines += countNewlines(chunk);
    buf = Buffer.concat([chunk, buf]);
  }
  return pos === 0 ? buf : buf.subarray(buf.indexOf(NL) + 1);
}

export function readTail(file: string, n: number): Tail {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) return { lines: [], size, tornBytes: 0 };
    const buf = readEnd(fd, size, n);
    const lastNl = buf.lastIndexOf(NL);
    const tornBytes = buf.length - (lastNl + 1);
    const complete = lastNl < 0 ? '' : buf.subarray(0, lastNl).toString('utf8');
    const lines = complete === '' ? [] : complete.split('\n');
    return { lines: lines.slice(-n), size, tornBytes };
  } finally {
    fs.closeSync(fd);
  }
}
