/**
 * check_backups reads `pgbackrest info --output=json` when pgBackRest is installed. pgBackRest is
 * not installed on the test machine, so a stand-in on PATH answers with the JSON pgBackRest
 * prints (keys as in its src/command/info/info.c); the stand-in records its arguments, to show
 * the configured stanza is asked for.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PG_URL, skipUnlessReachable } from '../helpers/databases.js';
import { connect, errorOf, type Harness } from '../helpers/mcp.js';
import { sourceWithBackups, tempStateDir } from './backups.fixtures.js';

type Check = { id: string; status: string; message: string; evidence: Record<string, unknown> };

const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-bk-pgbr-'));
const stateDir = tempStateDir();
const originalPath = process.env.PATH;
const harnesses: Harness[] = [];

function standIn(stanzas: unknown): void {
  fs.writeFileSync(path.join(bin, 'info.json'), JSON.stringify(stanzas));
  fs.writeFileSync(path.join(bin, 'pgbackrest'), `#!/bin/sh\necho "$@" > ${bin}/args\ncat ${bin}/info.json\n`, {
    mode: 0o755,
  });
  process.env.PATH = `${bin}${path.delimiter}${originalPath}`;
}

async function checks(backups: Record<string, unknown>): Promise<Check[]> {
  const mcp = await connect([sourceWithBackups(PG_URL, backups)], undefined, { stateDir });
  harnesses.push(mcp);
  const res = await mcp.call('check_backups', {});
  expect(errorOf(res)).toBeUndefined();
  return (res.structuredContent as { checks: Check[] }).checks;
}

const stanza = (name: string, code: number, stopSecondsAgo: number, error = false) => ({
  name,
  status: { code, message: code === 0 ? 'ok' : 'no valid backups' },
  backup:
    code === 0
      ? [
          {
            label: '20261124-010000F',
            type: 'full',
            error,
            timestamp: {
              start: Math.floor(Date.now() / 1000) - stopSecondsAgo - 60,
              stop: Math.floor(Date.now() / 1000) - stopSecondsAgo,
            },
          },
        ]
      : [],
  archive: [{ id: '15-1', min: '000000010000000000000001', max: '0000000100000000000000A0' }],
});

afterEach(() => {
  process.env.PATH = originalPath;
});

afterAll(async () => {
  for (const h of harnesses) await h.close();
  fs.rmSync(bin, { recursive: true, force: true });
  fs.rmSync(stateDir, { recursive: true, force: true });
});

describe.skipIf(await skipUnlessReachable('postgres'))('check_backups and pgBackRest', () => {
  it('asks for the configured stanza and accepts a recent good backup', async () => {
    standIn([stanza('main', 0, 3600)]);
    const found = await checks({ dir: 'backups', max_age_hours: 24, pgbackrest_stanza: 'main' });
    expect(fs.readFileSync(path.join(bin, 'args'), 'utf8').trim()).toBe('--stanza=main info --output=json');
    expect(found.find((c) => c.id === 'pgbackrest_main')).toMatchObject({
      status: 'ok',
      evidence: expect.objectContaining({ newest: '20261124-010000F', type: 'full', status_code: 0 }),
    });
  });

  it('fails a stanza without valid backups, one whose newest backup found checksum errors, and a stale one', async () => {
    standIn([stanza('empty', 2, 0), stanza('broken', 0, 60, true), stanza('old', 0, 48 * 3600)]);
    const found = await checks({ dir: 'backups', max_age_hours: 24 });
    expect(found.find((c) => c.id === 'pgbackrest_empty')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('no valid backups (code 2)'),
    });
    expect(found.find((c) => c.id === 'pgbackrest_broken')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('checksum errors'),
    });
    expect(found.find((c) => c.id === 'pgbackrest_old')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/the newest backup is 2\.0 days old \(max 24 h\)/),
    });
  });

  it('warns when a stanza is configured but pgBackRest is not installed, and says nothing when neither', async () => {
    process.env.PATH = '/usr/bin:/bin';
    expect(
      (await checks({ dir: 'backups', max_age_hours: 24, pgbackrest_stanza: 'main' })).find(
        (c) => c.id === 'pgbackrest',
      ),
    ).toMatchObject({ status: 'warn', message: expect.stringContaining('pgbackrest is not installed') });
    expect((await checks({ dir: 'backups', max_age_hours: 24 })).filter((c) => c.id.startsWith('pgbackrest'))).toEqual(
      [],
    );
  });
});
