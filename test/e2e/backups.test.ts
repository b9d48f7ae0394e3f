/**
 * Backups end to end (#8 "Done when"): the built server over stdio, one read-only source per
 * engine (PostgreSQL, MariaDB, SQLite) with a backup dir. create_backup (with progress
 * notifications), then verify_backup succeed and check_backups reports ok; after the newest
 * backup file is truncated, verify_backup fails and says why; the source databases are
 * unchanged throughout, and no scratch database is left.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineName } from '../../src/engines/registry.js';
import { skipUnlessReachable } from '../helpers/databases.js';
import { cleanupAll, startStdio, tempDir, type StdioServer } from '../helpers/e2e.js';
import { BACKUP_SOURCES, type BackupSource } from '../integration/backups.fixtures.js';

const ENGINES: EngineName[] = ['postgres', 'mysql', 'sqlite'];
const skips = Object.fromEntries(
  await Promise.all(ENGINES.map(async (e) => [e, await skipUnlessReachable(e)] as const)),
);
const engines = ENGINES.filter((e) => !skips[e]);

type Out = Record<string, unknown> & { checks?: { id: string; status: string; message: string }[] };

const sources = new Map<EngineName, BackupSource>();
const before = new Map<EngineName, string>();
let server: StdioServer;
let stateDir: string;

async function call(name: string, args: Record<string, unknown>, onprogress?: (p: Progress) => void): Promise<Out> {
  const res = (await server.client.callTool(
    { name, arguments: args },
    undefined,
    onprogress ? { onprogress } : undefined,
  )) as CallToolResult;
  expect(res.isError, `${name}: ${JSON.stringify(res.content)}`).toBeFalsy();
  return res.structuredContent as Out;
}

beforeAll(async () => {
  for (const e of engines) {
    const src = await BACKUP_SOURCES[e]();
    sources.set(e, src);
    before.set(e, await src.fingerprint());
  }
  const dir = tempDir();
  stateDir = tempDir('dba-mcp-state-');
  const yaml = [
    'sources:',
    ...engines.flatMap((e) => [
      `  - id: ${e}`,
      `    dsn: ${sources.get(e)!.dsn}`,
      '    backups:',
      `      dir: ${path.join(dir, e)}`,
      '      max_age_hours: 24',
    ]),
  ].join('\n');
  const config = path.join(dir, 'dba-mcp.yaml');
  fs.writeFileSync(config, `${yaml}\n`);
  server = await startStdio(['--config', config], {}, { stateDir });
});

afterAll(async () => {
  await cleanupAll();
  for (const src of sources.values()) await src.drop();
});

describe.skipIf(engines.length === 0)('backups over stdio (built binary)', () => {
  it('lists the three tools, honest about what they write, and the backup_readiness prompt', async () => {
    const { tools } = await server.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of ['check_backups', 'create_backup', 'verify_backup'])
      expect(byName.get(name), name).toBeDefined();
    expect(byName.get('create_backup')!.description).toMatch(/only read.*read-only source.*writes files/s);
    expect(byName.get('verify_backup')!.description).toMatch(/scratch/);
    const { prompts } = await server.client.listPrompts();
    expect(prompts.map((p) => p.name)).toContain('backup_readiness');
    const prompt = await server.client.getPrompt({ name: 'backup_readiness', arguments: { source: engines[0]! } });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    for (const step of ['check_backups', 'create_backup', 'verify_backup', `"source": "${engines[0]}"`])
      expect(text).toContain(step);
  });

  it.each(engines)(
    '%s: create_backup, verify_backup, check_backups ok; a truncated backup fails verification with the reason; the source is unchanged',
    async (engine) => {
      const progress: Progress[] = [];
      const created = await call('create_backup', { source: engine }, (p) => progress.push(p));
      expect(created.table_count).toBeGreaterThanOrEqual(3);
      expect(created.row_count_total).toBe(engine === 'postgres' ? 6300 : 6000);
      expect(progress.length, 'progress notifications during the dump').toBeGreaterThan(0);
      expect(progress.at(-1)).toMatchObject({ progress: expect.any(Number) });

      const verified = await call('verify_backup', { source: engine });
      expect(verified).toMatchObject({ status: 'verified', backup: created.file, reason: null, differences: [] });
      expect(verified.tables_matched).toBe(created.table_count);

      const checked = await call('check_backups', { source: engine });
      expect(checked.checks!.filter((c) => c.status === 'fail' || c.status === 'warn')).toEqual([]);
      expect(checked.status).toBe('ok');

      const file = created.path as string;
      const size = fs.statSync(file).size;
      fs.truncateSync(file, Math.floor(size * 0.6));
      const broken = await call('verify_backup', { source: engine });
      expect(broken).toMatchObject({ status: 'failed', backup: created.file });
      expect(broken.reason).toContain(
        `the file is truncated: ${Math.floor(size * 0.6)} bytes, the manifest recorded ${size}`,
      );
      const after = await call('check_backups', { source: engine });
      expect(after.status).toBe('fail');

      expect(await sources.get(engine)!.fingerprint(), 'the source is unchanged').toBe(before.get(engine));
      expect(await sources.get(engine)!.scratchLeft(), 'no scratch database left').toEqual([]);
    },
  );
});
