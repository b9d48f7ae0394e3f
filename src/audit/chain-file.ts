/**
 * The open end of the chain: the current file, appended one whole line per write() and rotated
 * by size. A write cut short (disk full, file-size limit) is cut back off at once, so a failed
 * append never leaves a torn line in the middle of the chain.
 */
import fs from 'node:fs';
import { rotatedFile, rotatedFiles, type AuditLocation } from './files.js';
import { resumeChain, type ChainHead } from './resume.js';

export class ChainFile {
  #fd: number | undefined;
  #size: number;

  private constructor(
    readonly loc: AuditLocation,
    fd: number,
    /** Where the chain stood when the file was opened (a torn tail already cut). */
    readonly head: ChainHead,
  ) {
    this.#fd = fd;
    this.#size = fs.fstatSync(fd).size;
  }

  /** Creates the file (0600) if needed, and reads where the chain stands. */
  static open(loc: AuditLocation): ChainFile {
    const head = resumeChain(loc);
    return new ChainFile(loc, fs.openSync(loc.file, 'a', 0o600), head);
  }

  /** Appends one line (with its '\n') in one write(), rotating first if it would pass maxBytes. Throws on any failure. */
  append(line: string, maxBytes: number): void {
    const bytes = Buffer.byteLength(line);
    if (this.#size > 0 && this.#size + bytes > maxBytes) this.#rotate();
    const written = fs.writeSync(this.#fdOrThrow(), line);
    if (written !== bytes) {
      this.#cutBack();
      throw Object.assign(new Error(`short write: ${written} of ${bytes} bytes (disk full or file size limit)`), {
        code: 'ENOSPC',
      });
    }
    this.#size += bytes;
  }

  close(sync: boolean): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    try {
      if (sync) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  #fdOrThrow(): number {
    if (this.#fd === undefined) throw new Error('the audit log file is closed');
    return this.#fd;
  }

  /** Renames the full file to the next audit-NNNNNN.jsonl and starts a fresh one; the chain runs on. */
  #rotate(): void {
    const next = (rotatedFiles(this.loc).at(-1)?.n ?? 0) + 1;
    this.close(false);
    fs.renameSync(this.loc.file, rotatedFile(this.loc, next));
    this.#fd = fs.openSync(this.loc.file, 'a', 0o600);
    this.#size = 0;
  }

  #cutBack(): void {
    try {
      fs.ftruncateSync(this.#fdOrThrow(), this.#size);
    } catch {
      /* the next open cuts any torn tail */
    }
  }
}
