/**
 * Fail closed: a record that cannot be written makes the call fail with AUDIT_UNAVAILABLE and
 * every later call is refused until the log is writable again. Real failures, not mocks: a log
 * whose folder is a regular file (ENOTDIR, even for root) and a log that is /dev/full (ENOSPC).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chainFiles, locationOf } from '../../src/audit/files.js';
import { AuditUnavailableError } from '../../src/audit/index.js';
import { verifyFiles } from '../../src/audit/verify.js';
import { auditTempDir, openTestSink, records, removeAuditTempDirs, toolEntry, writeCalls } from '../helpers/audit.js';

afterEach(removeAuditTempDirs);

const hasDevFull = fs.existsSync('/dev/full');

function refusal(fn: () => unknown): AuditUnavailableError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AuditUnavailableError);
    return err as AuditUnavailableError;
  }
  throw new Error('expected AUDIT_UNAVAILABLE');
}

describe('a log that cannot be opened (its folder is a regular file)', () => {
  it('starts the sink in outage: every call refused with AUDIT_UNAVAILABLE and a hint, reported once', async () => {
    const dir = auditTempDir();
    fs.writeFileSync(path.join(dir, 'not-a-dir'), 'x');
    const file = path.join(dir, 'not-a-dir', 'audit.jsonl');
    const { sink, reports } = await openTestSink(file);
    expect(sink.status()).toMatchObject({ state: 'failed', error: expect.stringMatching(/^(ENOTDIR|EEXIST)/) });
    const first = refusal(() => sink.ensureWritable());
    expect(first.code).toBe('AUDIT_UNAVAILABLE');
    expect(first.message).toContain('cannot be written');
    expect(first.hint).toContain(file);
    await new Promise((r) => setTimeout(r, 550)); // a retry happens, and fails again
    refusal(() => sink.ensureWritable());
    await expect(sink.record(toolEntry(1))).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(sink.status()).toMatchObject({ state: 'failed', refused: 2 });
    expect(reports).toHaveLength(1);
    await sink.close();
  });
});

describe.skipIf(!hasDevFull)('a full disk (/dev/full)', () => {
  it('fails the call whose record cannot be written, refuses the next, then recovers by itself and records the outage', async () => {
    const dir = path.join(auditTempDir(), 'audit');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'audit.jsonl');
    fs.symlinkSync('/dev/full', file);
    const { sink, reports } = await openTestSink(file);
    expect(sink.status().state).toBe('ok'); // opening /dev/full works; writing does not

    await expect(sink.record({ kind: 'server', name: 'start', outcome: 'ok', durationMs: 0 })).rejects.toMatchObject({
      code: 'AUDIT_UNAVAILABLE',
    });
    expect(sink.status()).toMatchObject({ state: 'failed', error: expect.stringMatching(/^ENOSPC/) });
    expect(reports.join()).toMatch(/ENOSPC/);
    refusal(() => sink.ensureWritable());
    await expect(sink.record(toolEntry(1))).rejects.toBeInstanceOf(AuditUnavailableError);

    fs.rmSync(file); // the disk is "fixed": the path is a writable file again
    refusal(() => sink.ensureWritable()); // retried at most twice a second
    await new Promise((r) => setTimeout(r, 550));
    sink.ensureWritable();
    await writeCalls(sink, 2, 3);
    await sink.close();

    const rs = records(file);
    expect(rs.map((r) => r.name)).toEqual(['start', 'audit_recovered', 'run_query', 'run_query']);
    expect(rs[1]!.details).toMatchObject({ error: expect.stringMatching(/^ENOSPC/), refused_calls: 2 });
    expect(reports.at(-1)).toMatch(/writable again; 2 calls were refused/);
    expect(verifyFiles(chainFiles(locationOf(file))).problem).toBeUndefined();
  });
});

describe('after close', () => {
  it('refuses records (a call that ends while the server stops is not silently lost)', async () => {
    const { sink } = await openTestSink(path.join(auditTempDir(), 'audit.jsonl'));
    await sink.close();
    await expect(sink.record(toolEntry(1))).rejects.toBeInstanceOf(AuditUnavailableError);
  });
});
