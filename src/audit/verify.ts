/**
 * Checks a chain of log files, in order, and names the first bad record. Each line must parse,
 * be exactly the line its record serializes to, and carry the hash of its content; each record
 * must follow the previous one (seq + 1, prev_hash = the previous hash). The first record must be
 * seq 1 chained to GENESIS unless `allowPruned` (old files removed on purpose). A torn last line
 * of the last file (a crash mid-write; the server cuts it on its next start) is only a warning.
 * Limitation: the chain is not keyed, so someone who rewrites every later record too, or cuts
 * the tail, is caught only by comparing the last seq and hash with a copy kept elsewhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expectedLine, GENESIS } from './canonical.js';
import { parseLine } from './parse.js';
import type { AuditRecord } from './types.js';

export type ProblemKind = 'invalid' | 'edited' | 'deleted' | 'reordered' | 'inserted' | 'start';

export interface Problem {
  kind: ProblemKind;
  file: string;
  line: number;
  seq?: number;
  message: string;
}

export interface VerifySummary {
  records: number;
  files: number;
  firstSeq?: number;
  lastSeq?: number;
  lastTs?: string;
  lastHash?: string;
  warnings: string[];
  problem?: Problem;
}

interface State {
  prev?: AuditRecord;
  recent: Map<string, number>;
  summary: VerifySummary;
  allowPruned: boolean;
}

type Checked = { record: AuditRecord; problem?: undefined } | { problem: Problem };

function integrity(raw: string, where: { file: string; line: number }): Checked {
  const parsed = parseLine(raw);
  if (!parsed.ok)
    return {
      problem: {
        kind: 'invalid',
        ...where,
        message: `not a valid record (${parsed.reason}; edited, inserted or torn)`,
      },
    };
  const { record } = parsed;
  const expected = expectedLine(record);
  const edited = (message: string): Checked => ({ problem: { kind: 'edited', ...where, seq: record.seq, message } });
  if (expected.line !== raw) return edited('not the line this record was written as (edited)');
  if (expected.hash !== record.hash) return edited('hash mismatch (edited)');
  return { record };
}

function startProblem(r: AuditRecord, state: State): string | undefined {
  if (state.allowPruned) return undefined;
  if (r.seq !== 1)
    return `the log starts at seq ${r.seq}, not 1: records 1..${r.seq - 1} are missing (deleted lines or files; use --allow-pruned if old files were removed on purpose)`;
  if (r.prev_hash !== GENESIS) return 'seq 1 does not chain to the genesis value (inserted or replaced)';
  return undefined;
}

function linkProblem(
  r: AuditRecord,
  prev: AuditRecord,
  later: () => boolean,
  state: State,
  firstOfFile: boolean,
): [ProblemKind, string] | undefined {
  const expected = prev.seq + 1;
  if (r.seq === expected)
    return r.prev_hash === prev.hash
      ? undefined
      : [
          'inserted',
          `prev_hash does not match the hash of seq ${prev.seq} (a record before it was replaced, inserted or removed)`,
        ];
  if (r.seq > expected) {
    if (later()) return ['reordered', `out of order: seq ${expected} should come here and comes later (reordered)`];
    return [
      'deleted',
      `seq gap after ${prev.seq}: records ${expected}..${r.seq - 1} are missing (deleted${firstOfFile ? '; a whole file?' : ''})`,
    ];
  }
  if (state.recent.get(r.hash) === r.seq) return ['inserted', `a copy of seq ${r.seq}, which came before (inserted)`];
  if (r.seq === prev.seq) return ['inserted', `seq ${r.seq} appears twice: one of the two was inserted`];
  return ['reordered', `seq goes backwards after ${prev.seq} (reordered or inserted)`];
}

const seqOf = (line: string) => {
  const parsed = parseLine(line);
  return parsed.ok ? parsed.record.seq : undefined;
};

function accept(r: AuditRecord, state: State): void {
  state.prev = r;
  state.recent.set(r.hash, r.seq);
  if (state.recent.size > 10_000) state.recent.delete(state.recent.keys().next().value!);
  const s = state.summary;
  s.records++;
  s.firstSeq ??= r.seq;
  Object.assign(s, { lastSeq: r.seq, lastTs: r.ts, lastHash: r.hash });
}

function checkLine(
  lines: string[],
  index: number,
  where: { file: string; line: number },
  state: State,
): Problem | undefined {
  const checked = integrity(lines[index]!, where);
  if (checked.problem) return checked.problem;
  const r = checked.record;
  const { prev } = state;
  let problem: [ProblemKind, string] | undefined;
  if (prev) {
    const later = () => lines.slice(index + 1).some((l) => seqOf(l) === prev.seq + 1);
    problem = linkProblem(r, prev, later, state, index === 0);
  } else {
    const start = startProblem(r, state);
    if (start) problem = ['start', start];
  }
  if (problem) return { kind: problem[0], ...where, seq: r.seq, message: problem[1] };
  accept(r, state);
  return undefined;
}

function checkFile(file: string, isLast: boolean, state: State): Problem | undefined {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const torn = lines.pop() ?? '';
  for (let i = 0; i < lines.length; i++) {
    const problem = checkLine(lines, i, { file, line: i + 1 }, state);
    if (problem) return problem;
  }
  if (torn === '') return undefined;
  const where = { file, line: lines.length + 1 };
  if (!isLast)
    return {
      kind: 'invalid',
      ...where,
      message: 'an incomplete line at the end of a file that is not the last (edited or truncated)',
    };
  state.summary.warnings.push(
    `${path.basename(file)} line ${where.line}: an incomplete last line (${Buffer.byteLength(torn)} bytes), a write cut short by a crash; not a record, and the server cuts it away when it next starts`,
  );
  return undefined;
}

export function verifyFiles(files: readonly string[], opts: { allowPruned?: boolean } = {}): VerifySummary {
  const state: State = {
    recent: new Map(),
    summary: { records: 0, files: files.length, warnings: [] },
    allowPruned: opts.allowPruned === true,
  };
  for (const [i, file] of files.entries()) {
    const problem = checkFile(file, i === files.length - 1, state);
    if (problem) return { ...state.summary, problem };
  }
  return state.summary;
}
