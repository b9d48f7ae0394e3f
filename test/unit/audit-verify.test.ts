/** Every kind of tampering is found and the first bad record named; intact logs pass. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sealRecord } from '../../src/audit/canonical.js';
import { chainFiles, locationOf } from '../../src/audit/files.js';
import { verifyFiles } from '../../src/audit/verify.js';
import {
  auditTempDir,
  openTestSink,
  readLines,
  removeAuditTempDirs,
  writeCalls,
  writeLines,
} from '../helpers/audit.js';

let file: string;

beforeEach(async () => {
  file = path.join(auditTempDir(), 'audit', 'audit.jsonl');
  const { sink } = await openTestSink(file);
  await writeCalls(sink, 1, 10);
  await sink.close();
});
afterEach(removeAuditTempDirs);

const verify = () => verifyFiles(chainFiles(locationOf(file)));

describe('an intact log', () => {
  it('verifies: every record counted, seq 1..N, the last hash reported', () => {
    const s = verify();
    expect(s.problem).toBeUndefined();
    expect(s).toMatchObject({ records: 10, files: 1, firstSeq: 1, lastSeq: 10 });
    expect(s.lastHash).toBe(JSON.parse(readLines(file).at(-1)!).hash);
  });
});

describe('tampering', () => {
  it('one edited byte in a value: hash mismatch, naming seq, file and line', () => {
    const lines = readLines(file);
    lines[4] = lines[4]!.replace('SELECT 5 AS n', 'SELECT 6 AS n');
    writeLines(file, lines);
    expect(verify().problem).toMatchObject({
      kind: 'edited',
      seq: 5,
      line: 5,
      file,
      message: 'hash mismatch (edited)',
    });
  });

  it('one edited byte that keeps the JSON equal (a space, an escape) is still an edit', () => {
    const lines = readLines(file);
    lines[2] = lines[2]!.replace('"kind":', '"kind": ');
    writeLines(file, lines);
    expect(verify().problem).toMatchObject({ kind: 'edited', seq: 3, line: 3 });
    lines[2] = readLines(file)[2]!.replace('"kind": "tool"', '"kind":"\\u0074ool"');
    writeLines(file, lines);
    expect(verify().problem).toMatchObject({ kind: 'edited', seq: 3 });
  });

  it('an edited hash (recomputed by hand) breaks the next link', () => {
    const lines = readLines(file);
    const r = JSON.parse(lines[3]!);
    lines[3] = lines[3]!.replace(r.hash, 'a'.repeat(64));
    writeLines(file, lines);
    expect(verify().problem).toMatchObject({ kind: 'edited', seq: 4 });
  });

  it('a deleted middle line: a seq gap at the record after it', () => {
    const lines = readLines(file);
    lines.splice(6, 1);
    writeLines(file, lines);
    const p = verify().problem!;
    expect(p).toMatchObject({ kind: 'deleted', seq: 8, line: 7 });
    expect(p.message).toContain('records 7..7 are missing');
  });

  it('two swapped lines: reordered', () => {
    const lines = readLines(file);
    [lines[2], lines[3]] = [lines[3]!, lines[2]!];
    writeLines(file, lines);
    expect(verify().problem).toMatchObject({ kind: 'reordered', seq: 4, line: 3 });
  });

  it('an inserted copy of an earlier record: inserted', () => {
    const lines = readLines(file);
    lines.splice(5, 0, lines[1]!);
    writeLines(file, lines);
    expect(verify().problem).toMatchObject({ kind: 'inserted', seq: 2, line: 6 });
  });

  it('an inserted forged record with a valid hash of its own: caught at its link, or at the record after it', async () => {
    const original = readLines(file);
    const { hash: _h, ...body } = JSON.parse(original[4]!);
    body.args.sql = 'SELECT 999';
    const naive = [...original];
    naive.splice(5, 0, sealRecord({ ...body, seq: 6 }).line.trimEnd()); // still chained to seq 4
    writeLines(file, naive);
    expect(verify().problem).toMatchObject({ kind: 'inserted', seq: 6, line: 6 });

    const careful = [...original];
    careful.splice(5, 0, sealRecord({ ...body, seq: 6, prev_hash: JSON.parse(original[4]!).hash }).line.trimEnd());
    writeLines(file, careful);
    const p = verify().problem!;
    expect(p).toMatchObject({ kind: 'inserted', seq: 6, line: 7 });
    expect(p.message).toContain('appears twice');
  });

  it('a record replaced by one with a valid own hash but the wrong prev_hash: inserted', () => {
    const lines = readLines(file);
    const { hash: _h, ...body } = JSON.parse(lines[5]!);
    lines[5] = sealRecord({ ...body, prev_hash: 'b'.repeat(64) }).line.trimEnd();
    writeLines(file, lines);
    expect(verify().problem).toMatchObject({ kind: 'inserted', seq: 6, line: 6 });
  });

  it('a garbage line: not a valid record, named by file and line', () => {
    const lines = readLines(file);
    lines.splice(3, 0, 'hello');
    writeLines(file, lines);
    expect(verify().problem).toMatchObject({ kind: 'invalid', line: 4 });
  });

  it('the first line deleted: the log no longer starts at seq 1 (unless --allow-pruned)', () => {
    writeLines(file, readLines(file).slice(1));
    expect(verify().problem).toMatchObject({ kind: 'start', seq: 2, line: 1 });
    expect(verifyFiles([file], { allowPruned: true }).problem).toBeUndefined();
  });
});

describe('a torn last line', () => {
  it('at the end of the last file is a warning, not tampering', () => {
    fs.appendFileSync(file, '{"v":1,"seq":11,"ts":"20');
    const s = verify();
    expect(s.problem).toBeUndefined();
    expect(s.records).toBe(10);
    expect(s.warnings.join()).toMatch(/incomplete last line/);
  });

  it('at the end of a file that is not the last is a problem', () => {
    fs.appendFileSync(file, '{"v":1,"seq":11');
    const copy = path.join(path.dirname(file), 'copy.jsonl');
    fs.writeFileSync(copy, '');
    expect(verifyFiles([file, copy]).problem).toMatchObject({ kind: 'invalid', file, line: 11 });
  });
});
