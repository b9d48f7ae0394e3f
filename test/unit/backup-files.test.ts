/** The engine-independent parts of backups: naming, listing, picking, manifests, proofs, comparing, finding programs. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findBinary, requireBinary } from '../../src/engines/kit/backups/binaries.js';
import { compareCounts, describeDiffs } from '../../src/tools/backups/compare.js';
import {
  describeAge,
  listBackups,
  newBackupName,
  pickBackup,
  resolveBackupDir,
} from '../../src/engines/kit/backups/files.js';
import {
  checkAgainstManifest,
  readManifest,
  sha256File,
  writeManifest,
  type Manifest,
} from '../../src/engines/kit/backups/manifest.js';
import { readProofs, recordProof, type Proof } from '../../src/engines/kit/backups/proofs.js';
import { verdict } from '../../src/engines/kit/backups/readiness.js';
import { ToolError } from '../../src/core/errors.js';

const dirs: string[] = [];
const temp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-bk-unit-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const isDump = (head: Buffer) => head.subarray(0, 5).toString() === 'PGDMP';

function manifestFor(file: string, source: string, created: string, sha = 'x'.repeat(64)): Manifest {
  return {
    v: 1,
    file: path.basename(file),
    source,
    engine: 'postgres',
    server_version: 'postgresql 15.2',
    format: 'f',
    tool: 't',
    started_at: created,
    created_at: created,
    duration_ms: 1,
    size_bytes: fs.statSync(file).size,
    sha256: sha,
    counts_from: 'c',
    tables: [],
  };
}

describe('backup files', () => {
  it('names backups by source and UTC time, and resolves a relative dir under the state dir', () => {
    expect(newBackupName('shop', '.dump', new Date('2026-11-24T23:15:00.123Z'))).toBe('shop-20261124T231500Z.dump');
    expect(resolveBackupDir('dumps', '/var/lib/dba-mcp')).toBe('/var/lib/dba-mcp/dumps');
    expect(resolveBackupDir('/srv/backups', '/var/lib/dba-mcp')).toBe('/srv/backups');
  });

  it("lists what the engine recognizes by content, newest first, without partial files, manifests or other sources' backups", () => {
    const dir = temp();
    const put = (name: string, body: string, mtime: Date) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, body);
      fs.utimesSync(f, mtime, mtime);
      return f;
    };
    put('cron-nightly.backup', 'PGDMP...', new Date('2026-01-01T00:00:00Z'));
    const ours = put('shop-1.dump', 'PGDMP....', new Date('2026-01-01T00:00:00Z'));
    writeManifest(ours, manifestFor(ours, 'shop', '2026-01-02T00:00:00Z'));
    const theirs = put('crm-1.dump', 'PGDMP.', new Date('2026-01-03T00:00:00Z'));
    writeManifest(theirs, manifestFor(theirs, 'crm', '2026-01-03T00:00:00Z'));
    put('shop-2.dump.partial', 'PGDMP', new Date());
    put('notes.txt', 'hello', new Date());
    const found = listBackups(dir, 'shop', isDump);
    expect(found.map((b) => b.name)).toEqual(['shop-1.dump', 'cron-nightly.backup']);
    expect(found[0]!.manifest?.source).toBe('shop');
    expect(found[1]!.manifest).toBeUndefined();
  });

  it('picks the newest, or a named file in the dir and nothing outside it', () => {
    const dir = temp();
    const f = path.join(dir, 'a.dump');
    fs.writeFileSync(f, 'PGDMP');
    const list = listBackups(dir, 'shop', isDump);
    expect(pickBackup(list, dir, undefined).name).toBe('a.dump');
    expect(pickBackup(list, dir, 'a.dump').path).toBe(f);
    for (const bad of ['../a.dump', '/etc/passwd', '..', 'sub/a.dump']) {
      expect(() => pickBackup(list, dir, bad)).toThrow(ToolError);
    }
    expect(() => pickBackup([], dir, undefined)).toThrow(/there is no backup/);
  });

  it('tells a truncated, grown or altered file from its manifest', async () => {
    const dir = temp();
    const f = path.join(dir, 'b.dump');
    fs.writeFileSync(f, 'PGDMP0123456789');
    const m = { ...manifestFor(f, 'shop', new Date().toISOString()), sha256: await sha256File(f) };
    expect(await checkAgainstManifest(f, m)).toBeUndefined();
    fs.truncateSync(f, 7);
    expect((await checkAgainstManifest(f, m))?.reason).toBe('the file is truncated: 7 bytes, the manifest recorded 15');
    fs.writeFileSync(f, 'PGDMP0123456789XX');
    expect((await checkAgainstManifest(f, m))?.reason).toMatch(/^the file grew/);
    fs.writeFileSync(f, 'PGDMP0123456780');
    expect((await checkAgainstManifest(f, m))?.reason).toMatch(
      /same size, but its sha256 [0-9a-f]{12}\.\.\. differs from the manifest's/,
    );
  });

  it('reads a manifest that is not one as an error, not as a manifest', () => {
    const dir = temp();
    const f = path.join(dir, 'c.dump');
    fs.writeFileSync(f, 'PGDMP');
    expect(readManifest(f)).toBeUndefined();
    fs.writeFileSync(`${f}.manifest.json`, '{"v":1}');
    expect(readManifest(f)).toMatchObject({ error: expect.stringContaining('not a dba-mcp manifest') });
    fs.writeFileSync(`${f}.manifest.json`, '{');
    expect(readManifest(f)).toMatchObject({ error: expect.stringContaining('not JSON') });
  });

  it('keeps proofs per source, newest first', () => {
    const state = temp();
    const proof = (at: string, ok: boolean): Proof => ({
      v: 1,
      source: 'shop',
      backup: 'a.dump',
      backup_created_at: at,
      sha256: null,
      verified_at: at,
      ok,
      reason: ok ? null : 'bad',
      restore_ms: 5,
      target: 't',
      tables: 1,
      rows: 2,
    });
    recordProof(state, proof('2026-01-01T00:00:00.000Z', true));
    recordProof(state, proof('2026-01-02T00:00:00.000Z', false));
    expect(readProofs(state, 'shop').map((p) => [p.verified_at, p.ok])).toEqual([
      ['2026-01-02T00:00:00.000Z', false],
      ['2026-01-01T00:00:00.000Z', true],
    ]);
    expect(readProofs(state, 'other')).toEqual([]);
    expect(fs.statSync(path.join(state, 'backups', 'proofs', 'shop')).mode & 0o777).toBe(0o700);
  });
});

describe('comparing a restore with its manifest', () => {
  it('finds tables that differ, are missing, or are new', () => {
    const { matched, diffs } = compareCounts(
      [
        { table: 'a', rows: 1 },
        { table: 'b', rows: 2 },
        { table: 'c', rows: 3 },
      ],
      [
        { table: 'a', rows: 1 },
        { table: 'b', rows: 1 },
        { table: 'd', rows: 0 },
      ],
    );
    expect(matched).toBe(1);
    expect(diffs).toEqual([
      { table: 'b', expected: 2, restored: 1 },
      { table: 'c', expected: 3, restored: null },
      { table: 'd', expected: null, restored: 0 },
    ]);
    expect(describeDiffs(diffs)).toBe(
      'b has 1 rows, the manifest 2; c is missing after the restore; d is not in the manifest',
    );
  });

  it('rolls checks up: any fail fails, any warn warns, info never counts', () => {
    const c = (status: 'ok' | 'warn' | 'fail' | 'info') => ({ id: status, status, message: '', evidence: {} });
    expect(verdict([c('ok'), c('info')])).toBe('ok');
    expect(verdict([c('ok'), c('warn'), c('info')])).toBe('warn');
    expect(verdict([c('warn'), c('fail')])).toBe('fail');
  });

  it('says ages in words', () => {
    const now = new Date('2026-01-10T00:00:00Z');
    expect(describeAge(new Date('2026-01-09T23:59:20Z'), now)).toBe('40 s');
    expect(describeAge(new Date('2026-01-09T23:48:00Z'), now)).toBe('12 min');
    expect(describeAge(new Date('2026-01-09T20:30:00Z'), now)).toBe('3.5 h');
    expect(describeAge(new Date('2026-01-07T21:36:00Z'), now)).toBe('2.1 days');
  });
});

describe('finding client programs', () => {
  it('finds a program on PATH first, then in versioned install folders', () => {
    const root = temp();
    const bin = path.join(root, '15', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.mkdirSync(path.join(root, '9.6', 'bin'), { recursive: true });
    fs.writeFileSync(path.join(bin, 'pg_fake'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(root, '9.6', 'bin', 'pg_fake'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findBinary({ names: ['pg_fake'], versionedRoots: [root], install: '' }, { PATH: '/nonexistent' })).toBe(
      path.join(bin, 'pg_fake'),
    );
    const onPath = temp();
    fs.writeFileSync(path.join(onPath, 'pg_fake'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findBinary({ names: ['pg_fake'], versionedRoots: [root], install: '' }, { PATH: onPath })).toBe(
      path.join(onPath, 'pg_fake'),
    );
    fs.writeFileSync(path.join(onPath, 'not_exec'), 'x', { mode: 0o644 });
    expect(findBinary({ names: ['not_exec'], install: '' }, { PATH: onPath })).toBeUndefined();
  });

  it('says what is missing, where it looked and how to install it', () => {
    let err: ToolError | undefined;
    try {
      requireBinary(
        {
          names: ['mariadb-dump', 'mysqldump'],
          versionedRoots: ['/opt/none'],
          install: 'apt-get install mariadb-client',
        },
        { PATH: '/nonexistent' },
      );
    } catch (e) {
      err = e as ToolError;
    }
    expect(err).toBeInstanceOf(ToolError);
    expect(err!.code).toBe('PROGRAM_NOT_FOUND');
    expect(err!.message).toBe(
      'mariadb-dump or mysqldump is not installed on the machine running dba-mcp (looked on PATH and in /opt/none/<version>/bin)',
    );
    expect(err!.hint).toContain('apt-get install mariadb-client');
  });
});
