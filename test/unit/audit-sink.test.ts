/** The file sink: rotation that keeps the chain, restart continuation, torn tails, one writer. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS } from '../../src/audit/canonical.js';
import { chainFiles, locationOf, rotatedFiles } from '../../src/audit/files.js';
import { verifyFiles } from '../../src/audit/verify.js';
import { auditTempDir, openTestSink, readLines, records, removeAuditTempDirs, writeCalls } from '../helpers/audit.js';

afterEach(removeAuditTempDirs);

const logFile = () => path.join(auditTempDir(), 'audit', 'audit.jsonl');
const verify = (file: string) => verifyFiles(chainFiles(locationOf(file)));

describe('writing', () => {
  it('numbers records from 1, chains the first to GENESIS and each to the one before', async () => {
    const file = logFile();
    const { sink } = await openTestSink(file);
    await writeCalls(sink, 1, 3);
    await sink.close();
    const rs = records(file);
    expect(rs.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rs[0]!.prev_hash).toBe(GENESIS);
    expect(rs[1]!.prev_hash).toBe(rs[0]!.hash);
    expect(rs[2]!.prev_hash).toBe(rs[1]!.hash);
  });

  it('creates the log 0600 in a 0700 folder', async () => {
    const file = logFile();
    const { sink } = await openTestSink(file);
    await writeCalls(sink, 1, 1);
    await sink.close();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it('recent() returns the latest records oldest first, across a rotation', async () => {
    const file = logFile();
    const { sink } = await openTestSink(file, { maxBytes: 1500 });
    await writeCalls(sink, 1, 30);
    expect(sink.recent(12).map((r) => r.seq)).toEqual([...Array(12).keys()].map((i) => 19 + i));
    await sink.close();
  });
});

describe('rotation', () => {
  it('renames the full file to audit-NNNNNN.jsonl, starts a fresh one, and the chain runs across files', async () => {
    const file = logFile();
    const { sink } = await openTestSink(file, { maxBytes: 2000 });
    await writeCalls(sink, 1, 40);
    await sink.close();
    const loc = locationOf(file);
    const rotated = rotatedFiles(loc);
    expect(rotated.length).toBeGreaterThanOrEqual(3);
    expect(rotated.map((r) => r.n)).toEqual(rotated.map((_, i) => i + 1));
    for (const f of chainFiles(loc)) expect(fs.statSync(f).size).toBeLessThanOrEqual(2000);
    const first = records(rotated[1]!.file)[0]!;
    const before = records(rotated[0]!.file).at(-1)!;
    expect(first.seq).toBe(before.seq + 1);
    expect(first.prev_hash).toBe(before.hash);
    expect(verify(file)).toMatchObject({ records: 40, files: rotated.length + 1, lastSeq: 40 });
    expect(verify(file).problem).toBeUndefined();
  });

  it('a deleted middle file is found: a seq gap at the first record of the next file', async () => {
    const file = logFile();
    const { sink } = await openTestSink(file, { maxBytes: 2000 });
    await writeCalls(sink, 1, 40);
    await sink.close();
    const [, second, third] = rotatedFiles(locationOf(file));
    fs.rmSync(second!.file);
    const p = verify(file).problem!;
    expect(p).toMatchObject({ kind: 'deleted', file: third!.file, line: 1 });
    expect(p.message).toContain('a whole file?');
  });
});

describe('restart', () => {
  it('continues the chain from the last record on disk', async () => {
    const file = logFile();
    const a = await openTestSink(file);
    await writeCalls(a.sink, 1, 5);
    await a.sink.close();
    const b = await openTestSink(file);
    await writeCalls(b.sink, 6, 8);
    await b.sink.close();
    expect(records(file).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(verify(file).problem).toBeUndefined();
  });

  it('continues from the newest rotated file when the current one is empty (a crash right after rotating)', async () => {
    const file = logFile();
    const a = await openTestSink(file, { maxBytes: 2000 });
    await writeCalls(a.sink, 1, 20);
    await a.sink.close();
    const loc = locationOf(file);
    fs.renameSync(file, path.join(loc.dir, `audit-${String(rotatedFiles(loc).length + 1).padStart(6, '0')}.jsonl`));
    fs.writeFileSync(file, '');
    const b = await openTestSink(file);
    await writeCalls(b.sink, 21, 21);
    await b.sink.close();
    expect(records(file)[0]!.seq).toBe(21);
    expect(verify(file).problem).toBeUndefined();
  });

  it('reads only the end of a big file', async () => {
    const file = logFile();
    const a = await openTestSink(file);
    await writeCalls(a.sink, 1, 3000);
    await a.sink.close();
    const started = performance.now();
    const b = await openTestSink(file);
    const openMs = performance.now() - started;
    await writeCalls(b.sink, 3001, 3001);
    await b.sink.close();
    expect(records(file).at(-1)!.seq).toBe(3001);
    expect(openMs).toBeLessThan(200);
  });

  it('refuses to continue from a damaged last record (fail closed), naming the file', async () => {
    const file = logFile();
    const a = await openTestSink(file);
    await writeCalls(a.sink, 1, 3);
    await a.sink.close();
    const lines = readLines(file);
    fs.writeFileSync(file, `${lines.slice(0, 2).join('\n')}\n${lines[2]!.replace('SELECT 3', 'SELECT 4')}\n`);
    const b = await openTestSink(file);
    expect(b.sink.status()).toMatchObject({ state: 'failed' });
    expect(() => b.sink.ensureWritable()).toThrow(/does not match its hash/);
    await b.sink.close();
  });
});

describe('a torn last line', () => {
  it('is cut away on open, reported, and recorded with its length and hash; verify passes', async () => {
    const file = logFile();
    const a = await openTestSink(file);
    await writeCalls(a.sink, 1, 4);
    await a.sink.close();
    fs.appendFileSync(file, '{"v":1,"seq":5,"ts":"2026-');
    const b = await openTestSink(file);
    await writeCalls(b.sink, 5, 5);
    await b.sink.close();
    expect(b.reports.join()).toMatch(/incomplete line \(26 bytes/);
    const rs = records(file);
    expect(rs.map((r) => [r.seq, r.name])).toEqual([
      [1, 'run_query'],
      [2, 'run_query'],
      [3, 'run_query'],
      [4, 'run_query'],
      [5, 'audit_tail_repaired'],
      [6, 'run_query'],
    ]);
    expect(rs[4]!.details).toMatchObject({ dropped_bytes: 26 });
    expect(verify(file).problem).toBeUndefined();
  });
});

describe('one writer per log', () => {
  it('a second sink on the same log is in outage while the first holds the lock, and takes over after it closes', async () => {
    const file = logFile();
    const a = await openTestSink(file);
    const b = await openTestSink(file);
    expect(b.sink.status()).toMatchObject({ state: 'failed', error: expect.stringContaining(`pid ${process.pid}`) });
    await expect(b.sink.record({ kind: 'server', name: 'start', outcome: 'ok', durationMs: 0 })).rejects.toThrow(
      /AUDIT|audit log/,
    );
    await writeCalls(a.sink, 1, 2);
    await a.sink.close();
    await new Promise((r) => setTimeout(r, 550));
    b.sink.ensureWritable();
    await writeCalls(b.sink, 3, 3);
    await b.sink.close();
    const names = records(file).map((r) => r.name);
    expect(names).toEqual(['run_query', 'run_query', 'start', 'audit_recovered', 'run_query']);
    expect(verify(file).problem).toBeUndefined();
  });

  it('a lock left by a dead process (kill -9) is stale and taken over', async () => {
    const file = logFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(path.join(path.dirname(file), 'audit.lock'), `${dead.stdout}\n`);
    const { sink } = await openTestSink(file);
    expect(sink.status().state).toBe('ok');
    await sink.close();
    expect(fs.existsSync(path.join(path.dirname(file), 'audit.lock'))).toBe(false);
  });
});
