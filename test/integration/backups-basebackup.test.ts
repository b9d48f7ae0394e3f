/**
 * check_backups checks a base backup (pg_basebackup, plain format, with backup_manifest) in the
 * backup dir with pg_verifybackup, and reports one whose files no longer match. The base backup
 * is taken here from a throwaway cluster of our own (initdb on a private socket; the test server
 * allows no replication connections); pg_verifybackup checks a backup against its own manifest,
 * whatever server it came from.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, skipUnlessReachable } from '../helpers/databases.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { sourceWithBackups, tempStateDir } from './backups.fixtures.js';

const BIN = fs.existsSync('/usr/lib/postgresql')
  ? fs
      .readdirSync('/usr/lib/postgresql')
      .sort()
      .reverse()
      .map((v) => `/usr/lib/postgresql/${v}/bin`)
      .find((d) => fs.existsSync(`${d}/initdb`))
  : undefined;
const canRun = BIN !== undefined && process.getuid?.() === 0 && spawnSync('id', ['postgres']).status === 0;
if (!canRun)
  process.stderr.write(
    '[skip] base backup test: needs root, a postgres OS user and initdb (Debian PostgreSQL packages)\n',
  );
const skip = (await skipUnlessReachable('postgres')) || !canRun;

function asPostgres(script: string): void {
  const res = spawnSync('runuser', ['-u', 'postgres', '--', 'bash', '-c', script], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${script}\n${res.stderr}`);
}

describe.skipIf(skip)('check_backups and a base backup in the backup dir', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-bk-cluster-'));
  const stateDir = tempStateDir();
  const base = path.join(stateDir, 'backups', 'base-1');
  let mcp: Harness;

  beforeAll(async () => {
    fs.chmodSync(work, 0o777);
    const data = path.join(work, 'data');
    asPostgres(
      [
        `${BIN}/initdb -D ${data} --auth=trust -U postgres >/dev/null`,
        `${BIN}/pg_ctl -D ${data} -o "-p 5499 -k ${work} -c listen_addresses= -c shared_buffers=16MB" -l ${work}/log -w start >/dev/null`,
        `${BIN}/pg_basebackup -D ${work}/base -h ${work} -p 5499 -U postgres -Xstream; rc=$?`,
        `${BIN}/pg_ctl -D ${data} -m immediate stop >/dev/null; exit $rc`,
      ].join(' && '),
    );
    fs.mkdirSync(path.dirname(base), { recursive: true });
    fs.renameSync(path.join(work, 'base'), base);
    mcp = await connect([sourceWithBackups(PG_URL, { dir: 'backups', max_age_hours: 24 })], undefined, { stateDir });
  }, 60_000);

  afterAll(async () => {
    await mcp?.close();
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function checks() {
    const res = await mcp.call('check_backups', {});
    expect(errorOf(res)).toBeUndefined();
    return (
      res.structuredContent as {
        checks: { id: string; status: string; message: string; evidence: Record<string, unknown> }[];
      }
    ).checks;
  }

  it('accepts a base backup that matches its backup_manifest, and gives the point-in-time-recovery window', async () => {
    const found = await checks();
    expect(found.find((c) => c.id === 'base_backup')).toMatchObject({
      status: 'ok',
      message: expect.stringContaining('pg_verifybackup accepts base backup base-1'),
      evidence: expect.objectContaining({ base_backup: 'base-1' }),
    });
    expect(found.find((c) => c.id === 'pitr_window')).toMatchObject({
      message: expect.stringContaining('point-in-time recovery possible from'),
    });
  });

  it("fails a base backup whose files no longer match, with pg_verifybackup's words", async () => {
    fs.appendFileSync(path.join(base, 'PG_VERSION'), 'tampered\n');
    const found = await checks();
    const check = found.find((c) => c.id === 'base_backup')!;
    expect(check.status).toBe('fail');
    expect(check.message).toMatch(/pg_verifybackup rejects base backup base-1: .*PG_VERSION/s);
    expect(found.find((c) => c.id === 'pitr_window')?.status).toBe('info');
  });
});
