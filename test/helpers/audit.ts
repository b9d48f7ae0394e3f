/** Unit-test helpers for the audit log: a sink in a fresh temp dir, and line-level file surgery. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileAuditSink, type FileSinkOptions } from '../../src/audit/file-sink.js';
import type { AuditEntry } from '../../src/audit/index.js';

const dirs: string[] = [];

export function auditTempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-audit-'));
  dirs.push(dir);
  return dir;
}

export function removeAuditTempDirs(): void {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface TestSink {
  sink: FileAuditSink;
  file: string;
  reports: string[];
}

export async function openTestSink(file: string, opts: Partial<FileSinkOptions> = {}): Promise<TestSink> {
  const reports: string[] = [];
  const sink = await FileAuditSink.open({
    file,
    maxBytes: 64 * 1024 * 1024,
    redact: { redactLiterals: false, engineOf: () => 'sqlite' },
    report: (m) => reports.push(m),
    lockWaitMs: 0,
    ...opts,
  });
  return { sink, file, reports };
}

export function toolEntry(i: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    kind: 'tool',
    name: 'run_query',
    requestId: String(i),
    source: 'demo',
    args: { sql: `SELECT ${i} AS n` },
    outcome: 'ok',
    rowCount: 1,
    truncated: false,
    durationMs: 1.25,
    ...extra,
  };
}

export async function writeCalls(sink: FileAuditSink, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) await sink.record(toolEntry(i));
}

export const readLines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
export const writeLines = (file: string, lines: string[]) =>
  fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
export const records = (file: string) =>
  readLines(file).map(
    (l) =>
      JSON.parse(l) as Record<string, unknown> & {
        seq: number;
        hash: string;
        prev_hash: string;
        name: string;
        kind: string;
      },
  );
