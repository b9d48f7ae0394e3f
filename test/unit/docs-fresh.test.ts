/**
 * docs/configuration.md and docs/tools.md are generated from the config schema and the tool list
 * (scripts/gen-docs.mjs): a change to either that is not followed by `npm run docs` fails here.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('generated docs', () => {
  it('match what the code generates (npm run docs:check)', () => {
    const run = spawnSync(process.execPath, ['scripts/gen-docs.mjs', '--check'], { cwd: root, encoding: 'utf8' });
    expect(run.stderr, 'run npm run docs and commit the result').toBe('');
    expect(run.status).toBe(0);
  }, 60_000);
});
