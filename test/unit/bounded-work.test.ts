/**
 * Bounded work on hostile text (DESIGN §4.6): the scanners a call's text reaches before any
 * database does stay linear. Each input here took the replaced regex 13 s or more.
 */
import { describe, expect, it } from 'vitest';
import { fingerprintOf, stripLiterals } from '../../src/audit/sql-text.js';
import { redactText } from '../../src/core/redact.js';
import { statementWord } from '../../src/engines/sqlite/core/classify.js';

const within = (ms: number, work: () => unknown) => {
  const started = performance.now();
  const out = work();
  expect(performance.now() - started).toBeLessThan(ms);
  return out;
};

describe('bounded work on hostile text', () => {
  it("SQLite's statement word: white space with no word after it, comments that never end", () => {
    expect(within(1000, () => statementWord(' '.repeat(31) + ';SELECT 1'))).toBe('UNKNOWN');
    expect(within(1000, () => statementWord(' '.repeat(200_000) + ';'))).toBe('UNKNOWN');
    expect(within(1000, () => statementWord('-'.repeat(100_000)))).toBe('UNKNOWN');
    expect(within(1000, () => statementWord('/*' + ' /*'.repeat(30_000)))).toBe('UNKNOWN');
    expect(statementWord('  -- note\n /* c */\n\tselect 1')).toBe('SELECT');
    expect(statementWord('/* a */ /* b */ WITH x AS (SELECT 1) SELECT * FROM x')).toBe('WITH');
  });

  it('secret redaction: long runs of scheme characters, with and without a DSN at the end', () => {
    const run = 'a+'.repeat(50_000);
    expect(within(1000, () => redactText(run))).toBe(run);
    const withDsn = within(1000, () => redactText(`${run}://user:hunter2@db/x`));
    expect(withDsn).not.toContain('hunter2');
    expect(within(1000, () => redactText('x://'.repeat(30_000)))).not.toContain('hunter2');
  });

  it('secret redaction still finds every DSN password, and leaves other text alone', () => {
    expect(redactText('see postgres://app:s3cret@db:5432/shop and mysql://root:pw2@h/x?password=pw3 now')).toBe(
      'see postgres://app:***@db:5432/shop and mysql://root:***@h/x?password=[redacted] now',
    );
    expect(redactText('x_postgres://app:s3cret@db/shop')).not.toContain('s3cret');
    expect(redactText('http://example.com/a b://c')).toBe('http://example.com/a b://c');
  });

  it('the audit fingerprint: quotes that never close, escaped quote runs, dollar tags that never close', () => {
    for (const engine of ['postgres', 'mysql', 'sqlite'] as const) {
      for (const text of [
        '"' + '\\"'.repeat(50_000),
        "'" + "\\'".repeat(50_000),
        '$a1$ $a2$ '.repeat(10_000) + '$z',
        "'".repeat(100_001),
      ])
        within(1000, () => fingerprintOf(text, engine));
    }
  });

  it('the audit fingerprint still strips every literal kind', () => {
    expect(stripLiterals("SELECT 'it''s', 'a\\'b', $t$x$t$, 42, 0xff FROM t WHERE n = -1.5e3", 'postgres')).toBe(
      'SELECT ?, ?, ?, ?, ? FROM t WHERE n = ?',
    );
    expect(stripLiterals('SELECT "a", \'b\' FROM t', 'mysql')).toBe('SELECT ?, ? FROM t');
    expect(stripLiterals('SELECT "a", \'b\' FROM t', 'sqlite')).toBe('SELECT "a", ? FROM t');
    expect(stripLiterals("SELECT 'never closed, secret", 'postgres')).toBe('SELECT ?');
  });
});
