/**
 * The audit sink that writes the hash-chained JSON lines. Each record is one synchronous append
 * (one write() of the whole line) before the call's result goes back: the page cache survives a
 * kill -9, so a client never saw an answer whose record is not in the file. A failed write puts
 * the sink in outage: that call and every later one are refused (AUDIT_UNAVAILABLE) until a
 * retry (at most twice a second, on the next call) reopens the log and writes again.
 */
import fs from 'node:fs';
import { sealRecord } from './canonical.js';
import { ChainFile } from './chain-file.js';
import { lockFileOf, locationOf, type AuditLocation } from './files.js';
import type { AuditSink } from './index.js';
import { acquireLock, AuditLockedError } from './lock.js';
import { prepareRecord, toBody, type Prepared, type RedactOptions } from './record.js';
import { readRecentRecords } from './recent.js';
import type { AuditEntry, AuditRecord, AuditStatus } from './types.js';
import { AuditUnavailableError, describeFsError, type Outage } from './unavailable.js';

export interface FileSinkOptions {
  file: string;
  maxBytes: number;
  redact: RedactOptions;
  /** How long open() waits for another writer's lock (default 3 s). */
  lockWaitMs?: number;
  /** Told once per outage, once per recovery, and when a torn tail is cut: write it to stderr. */
  report(message: string): void;
}

const RETRY_MS = 500;
const MAX_DEFERRED = 20;

export class FileAuditSink implements AuditSink {
  readonly #loc: AuditLocation;
  #file: ChainFile | undefined;
  #seq = 0;
  #hash = '';
  #outage: Outage | undefined;
  #lastTry = 0;
  #release: (() => void) | undefined;
  #closed = false;
  /** The outage was reported; the next report is the recovery. */
  #reported = false;
  /** Server events that came during an outage, written first when the log is back. */
  readonly #deferred: { body: Prepared; ts: string }[] = [];

  private constructor(private readonly opts: FileSinkOptions) {
    this.#loc = locationOf(opts.file);
  }

  /** Opens the log (waiting for another writer's lock a little). Never throws: a log that cannot be opened starts the sink in outage. */
  static async open(opts: FileSinkOptions): Promise<FileAuditSink> {
    const sink = new FileAuditSink(opts);
    const deadline = Date.now() + (opts.lockWaitMs ?? 3_000);
    for (;;) {
      const err = sink.#tryOpen();
      if (!(err instanceof AuditLockedError) || Date.now() >= deadline) {
        if (err) sink.#fail(err);
        return sink;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async record(entry: AuditEntry): Promise<void> {
    const body = await prepareRecord(entry, this.opts.redact);
    const ts = new Date().toISOString();
    try {
      this.#append(body, ts);
    } catch (err) {
      if (entry.kind === 'server' && this.#deferred.length < MAX_DEFERRED) this.#deferred.push({ body, ts });
      throw err;
    }
  }

  ensureWritable(): void {
    if (!this.#outage) return;
    if (!this.#closed && Date.now() - this.#lastTry >= RETRY_MS) this.#recover();
    if (this.#outage) {
      this.#outage.refused++;
      throw new AuditUnavailableError({ ...this.#outage });
    }
  }

  status(): AuditStatus {
    return this.#outage ? { state: 'failed', ...this.#outage } : { state: 'ok', file: this.#loc.file };
  }

  recent(limit: number): AuditRecord[] {
    return readRecentRecords(this.#loc, limit);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#outage ??= {
      file: this.#loc.file,
      since: new Date().toISOString(),
      error: 'the audit log is closed (the server is stopping)',
      refused: 0,
    };
    try {
      this.#file?.close(true);
    } finally {
      this.#file = undefined;
      this.#release?.();
    }
  }

  /** Seals the record with the next seq and writes its line, or fails the sink and throws. */
  #append(body: Prepared, ts = new Date().toISOString()): void {
    if (this.#outage || !this.#file)
      throw new AuditUnavailableError(
        this.#outage ?? { file: this.#loc.file, since: ts, error: 'the audit log is not open', refused: 0 },
      );
    const seq = this.#seq + 1;
    const { hash, line } = sealRecord({ ...body, seq, ts, prev_hash: this.#hash });
    try {
      this.#file.append(line, this.opts.maxBytes);
    } catch (err) {
      this.#fail(err);
      throw new AuditUnavailableError({ ...this.#outage! });
    }
    this.#seq = seq;
    this.#hash = hash;
  }

  #tryOpen(): Error | undefined {
    try {
      fs.mkdirSync(this.#loc.dir, { recursive: true, mode: 0o700 });
      this.#release ??= acquireLock(lockFileOf(this.#loc));
      this.#file = ChainFile.open(this.#loc);
      const { head } = this.#file;
      [this.#seq, this.#hash] = [head.seq, head.hash];
      if (head.repaired) {
        this.opts.report(
          `audit: ${head.repaired.file} ended with an incomplete line (${head.repaired.dropped_bytes} bytes, a write cut short); cut it away and recorded that`,
        );
        this.#append(
          toBody({ kind: 'server', name: 'audit_tail_repaired', outcome: 'ok', durationMs: 0, details: head.repaired }),
        );
      }
      return undefined;
    } catch (err) {
      this.#closeFile();
      return err as Error;
    }
  }

  #closeFile(): void {
    try {
      this.#file?.close(false);
    } catch {
      /* already failing */
    }
    this.#file = undefined;
  }

  #fail(err: unknown): void {
    this.#closeFile();
    if (this.#outage) return;
    this.#lastTry = Date.now();
    const error = err instanceof AuditLockedError ? err.message : describeFsError(err);
    this.#outage = { file: this.#loc.file, since: new Date().toISOString(), error, refused: 0 };
    if (this.#reported) return;
    this.#reported = true;
    this.opts.report(
      `audit: cannot write the audit log ${this.#loc.file} (${error}); every call is refused with AUDIT_UNAVAILABLE until it can be written (retried on each call)`,
    );
  }

  /** Reopens the log and writes the deferred server events and a record of the outage. */
  #recover(): void {
    this.#lastTry = Date.now();
    const outage = this.#outage!;
    this.#outage = undefined;
    try {
      const err = this.#tryOpen();
      if (err) throw err;
      for (let d = this.#deferred[0]; d; d = this.#deferred[0]) {
        this.#append(d.body, d.ts);
        this.#deferred.shift();
      }
      this.#append(
        toBody({
          kind: 'server',
          name: 'audit_recovered',
          outcome: 'ok',
          durationMs: 0,
          details: { since: outage.since, error: outage.error, refused_calls: outage.refused },
        }),
      );
    } catch {
      this.#closeFile();
      this.#outage = { ...(this.#outage ?? outage), since: outage.since, refused: outage.refused };
      return;
    }
    this.#reported = false;
    const refused = `${outage.refused} call${outage.refused === 1 ? ' was' : 's were'}`;
    this.opts.report(`audit: the audit log ${this.#loc.file} is writable again; ${refused} refused during the outage`);
  }
}
