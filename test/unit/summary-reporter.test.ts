/**
 * The closing "Tests: N passed, N failed, N skipped" line (test/helpers/summary-reporter.ts) on
 * real vitest runs of small fixture files (test/fixtures/summary-reporter, outside the projects'
 * include globs): a failed beforeAll, a failed afterAll, a module that throws at import and an
 * unhandled rejection each count as failed, and a green run with skips says 0 failed.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '../..');
const VITEST = path.join(ROOT, 'node_modules/vitest/vitest.mjs');
const CONFIG = path.join(ROOT, 'test/fixtures/summary-reporter/vitest.config.ts');

/** Runs the fixture files matching `filter` in a fresh vitest process; its exit code and summary line. */
function run(filter: string): Promise<{ code: number | null; summary: string | undefined; output: string }> {
  // This file itself runs inside vitest: the child must not think it is one of its workers.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'),
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [VITEST, 'run', '--config', CONFIG, filter],
      { cwd: ROOT, env, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        const summary = stdout
          .split('\n')
          .filter((l) => l.startsWith('Tests: '))
          .at(-1);
        resolve({ code, summary, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

describe('the summary line', { timeout: 60_000 }, () => {
  it.each([
    [
      'passes',
      'a green run: a passed test, one skipped at collection, one that skips itself',
      'Tests: 1 passed, 0 failed, 2 skipped',
      0,
    ],
    [
      'before-all',
      'a beforeAll that throws: its two tests that never ran are failed, the one skipped on purpose stays skipped',
      'Tests: 1 passed, 2 failed, 1 skipped',
      1,
    ],
    ['after-all', 'an afterAll that throws after its test passed', 'Tests: 1 passed, 1 failed, 0 skipped', 1],
    ['import', 'a module that throws while it is imported', 'Tests: 0 passed, 1 failed, 0 skipped', 1],
    ['unhandled', 'a passing test that leaves an unhandled rejection', 'Tests: 1 passed, 1 failed, 0 skipped', 1],
  ] as const)('%s: %s', async (file, _what, expected, exitCode) => {
    const { code, summary, output } = await run(`${file}.fixture.ts`);
    expect(summary, output).toBe(expected);
    expect(code, output).toBe(exitCode);
  });

  it('adds the failures of every file of one run', async () => {
    const { code, summary, output } = await run('.fixture.ts');
    expect(summary, output).toBe('Tests: 4 passed, 5 failed, 3 skipped');
    expect(code, output).toBe(1);
  });
});
