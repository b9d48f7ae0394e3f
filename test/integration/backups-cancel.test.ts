/**
 * A cancelled create_backup (MCP notifications/cancelled) stops pg_dump and keeps nothing: no
 * backup file, no partial file, no manifest. The call is cancelled at its first progress
 * notification, which pg_dump's first table sends: pg_dump is running then, with a big table to go.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { skipUnlessReachable } from '../helpers/databases.js';
import { connect, type Harness } from '../helpers/mcp.js';
import { pgBackupSource, sourceWithBackups, tempStateDir, type BackupSource } from './backups.fixtures.js';

describe.skipIf(await skipUnlessReachable('postgres'))('cancelling create_backup', () => {
  let src: BackupSource | undefined;
  let mcp: Harness | undefined;
  const stateDir = tempStateDir();
  afterAll(async () => {
    await mcp?.close();
    await src?.drop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('stops the dump and leaves no file behind', async () => {
    src = await pgBackupSource();
    await src.exec('CREATE TABLE big AS SELECT g AS id, md5(g::text) AS h FROM generate_series(1, 600000) g');
    mcp = await connect([sourceWithBackups(src.dsn, { dir: 'backups', max_age_hours: 24 })], undefined, { stateDir });
    const abort = new AbortController();
    const progress: string[] = [];
    const onprogress = (p: { message?: string }) => {
      progress.push(p.message ?? '');
      abort.abort();
    };
    await expect(
      mcp.client.callTool({ name: 'create_backup', arguments: {} }, undefined, { signal: abort.signal, onprogress }),
    ).rejects.toThrow(/abort/i);
    expect(progress[0]).toBe('pg_dump: public.big');
    const dir = path.join(stateDir, 'backups');
    // let the server notice, stop pg_dump and clean up: poll (a loaded machine may take a while) rather than sleep a fixed time
    const left = () => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);
    for (const end = Date.now() + 15_000; left().length > 0 && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 100));
    expect(left()).toEqual([]);
    const checked = (await mcp.call('check_backups', {})).structuredContent as {
      checks: { id: string; status: string }[];
    };
    expect(
      checked.checks.find((c) => c.id === 'newest_backup')?.status ??
        checked.checks.find((c) => c.id === 'backup_dir')?.status,
    ).toBe('fail');
  });
});
