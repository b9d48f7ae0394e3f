/**
 * Bad arguments to the new tools end with INVALID_ARGUMENT (or SQL_SYNTAX) and a hint, never
 * INTERNAL or a database error about our own query.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { PG_URL, skipUnlessReachable } from '../helpers/databases.js';
import { connect, errorOf } from '../helpers/mcp.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe.skipIf(await skipUnlessReachable('postgres'))('PostgreSQL session ids', () => {
  it('a pid beyond PostgreSQL integer range is "no session", not a database error', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-rb-args-'));
    dirs.push(stateDir);
    const file = path.join(stateDir, 'c.json');
    fs.writeFileSync(file, JSON.stringify({ sources: [{ id: 's', dsn: PG_URL, mode: 'read-write' }] }));
    const mcp = await connect([loadConfig({ config: file }, {}).sources[0]!], undefined, { stateDir });
    try {
      for (const [tool, pid] of [
        ['cancel_query', 2 ** 31],
        ['terminate_session', 2 ** 53 - 1],
      ] as const) {
        const err = errorOf(await mcp.call(tool, { pid }));
        expect({ tool, code: err?.code }).toEqual({ tool, code: 'INVALID_ARGUMENT' });
        expect(err!.message).toContain(`no session with id ${pid}`);
      }
    } finally {
      await mcp.close();
    }
  });
});
