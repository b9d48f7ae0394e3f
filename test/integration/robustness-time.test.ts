/**
 * Dates dba-mcp reads back from files (a backup's manifest, a restore proof): a value that is not
 * a date is reported, never an INTERNAL error, and never counts as fresh.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { sourceWithBackups, sqliteBackupSource, tempStateDir, type BackupSource } from './backups.fixtures.js';

describe('a backup manifest whose created_at is not a date', () => {
  let src: BackupSource | undefined;
  let mcp: Harness | undefined;
  const stateDir = tempStateDir();
  afterAll(async () => {
    await mcp?.close();
    await src?.drop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('check_backups and verify_backup answer, dating the backup by its file', async () => {
    src = await sqliteBackupSource();
    mcp = await connect([sourceWithBackups(src.dsn, { dir: 'backups', max_age_hours: 24 })], undefined, { stateDir });
    const made = (await mcp.call('create_backup', {})).structuredContent as { file: string; manifest_path: string };
    for (const bad of ['25/11/2026 00:03', '', null]) {
      const manifest = JSON.parse(fs.readFileSync(made.manifest_path, 'utf8')) as Record<string, unknown>;
      if (bad === null) delete manifest.created_at;
      else manifest.created_at = bad;
      fs.writeFileSync(made.manifest_path, JSON.stringify(manifest));
      const checked = await mcp.call('check_backups', {});
      expect(errorOf(checked)).toBeUndefined();
      const listed = (
        checked.structuredContent as { backups: { name: string; created_at: string; age_hours: number }[] }
      ).backups;
      expect(listed.map((b) => b.name)).toEqual([made.file]);
      expect(Number.isNaN(Date.parse(listed[0]!.created_at))).toBe(false);
      expect(listed[0]!.age_hours).toBeLessThan(1);
      const verified = await mcp.call('verify_backup', { backup: made.file });
      expect(errorOf(verified)?.code).not.toBe('INTERNAL');
    }
    expect(fs.readdirSync(path.join(stateDir, 'backups')).filter((n) => n.endsWith('.partial'))).toEqual([]);
    // a restore proof whose backup_created_at is not a date proves nothing fresh
    const proofs = path.join(stateDir, 'backups', 'proofs', 'shop');
    fs.rmSync(proofs, { recursive: true, force: true });
    fs.mkdirSync(proofs, { recursive: true });
    const proof = {
      v: 1,
      source: 'shop',
      backup: made.file,
      backup_created_at: 'last night',
      sha256: null,
      verified_at: new Date().toISOString(),
      ok: true,
      reason: null,
      restore_ms: 1,
      target: null,
      tables: 3,
      rows: 6000,
    };
    fs.writeFileSync(path.join(proofs, 'odd.json'), JSON.stringify(proof));
    const checks = (await mcp.call('check_backups', {})).structuredContent as {
      checks: { id: string; status: string; message: string }[];
    };
    const restore = checks.checks.find((c) => c.id === 'restore_proof');
    expect(restore?.status).not.toBe('ok');
    expect(restore?.message).not.toMatch(/NaN/);
  });
});

describe('apply_migration reads dates back from its own files', () => {
  let src: BackupSource | undefined;
  let mcp: Harness | undefined;
  const stateDir = tempStateDir();
  afterAll(async () => {
    await mcp?.close();
    await src?.drop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('a proof or a plan expiry that is not a date fails closed', async () => {
    src = await sqliteBackupSource();
    const source = sourceWithBackups(src.dsn, { dir: 'backups', max_age_hours: 24 });
    mcp = await connect([{ ...source, mode: 'read-write' }], undefined, { stateDir });
    const planned = await mcp.call('plan_migration', { sql: 'DROP TABLE empty_table' });
    expect(errorOf(planned)).toBeUndefined();
    const planId = (planned.structuredContent as { plan_id: string }).plan_id;
    // a restore proof whose verified_at is not a date does not count as recent
    const proofs = path.join(stateDir, 'backups', 'proofs', source.id);
    fs.mkdirSync(proofs, { recursive: true });
    const proof = {
      v: 1,
      source: source.id,
      backup: 'x.db',
      backup_created_at: 'soon',
      sha256: null,
      verified_at: 'yesterday-ish',
      ok: true,
      reason: null,
      restore_ms: 1,
      target: null,
      tables: 1,
      rows: 1,
    };
    fs.writeFileSync(path.join(proofs, 'odd.json'), JSON.stringify(proof));
    const refused = errorOf(await mcp.call('apply_migration', { plan_id: planId }));
    expect(refused?.code).toBe('STATEMENT_NOT_ALLOWED');
    expect(refused?.message).toMatch(/no backup proven by a restore/);
    // a plan whose expires_at is not a date is expired
    const planFile = path.join(stateDir, 'plans', `${planId}.json`);
    const plan = JSON.parse(fs.readFileSync(planFile, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(planFile, JSON.stringify({ ...plan, expires_at: 'tomorrow' }));
    const expired = errorOf(await mcp.call('apply_migration', { plan_id: planId }));
    expect(expired?.code).toBe('INVALID_ARGUMENT');
    expect(expired?.message).toMatch(/expired/);
  });
});
