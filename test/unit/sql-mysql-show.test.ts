/**
 * SHOW statements sqlparser-rs reads as a bare word list (ShowVariable), dropping what it cannot
 * read: the text itself decides, and a WHERE is judged as the condition of a SELECT.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/engines/mysql/core/classify.js';
import { judgeClassification } from '../../src/guards/statement.js';
import { showWords } from '../../src/engines/mysql/core/sql/show-words.js';

const verdict = async (sql: string) => judgeClassification(await classify(sql, 'mariadb'));

describe('SHOW statements the parser reads as a word list', () => {
  it('judges the functions of a WHERE the parser dropped', async () => {
    for (const sql of [
      'SHOW TABLE STATUS WHERE SLEEP(1)',
      'SHOW TABLE STATUS WHERE Rows > SLEEP(1)',
      'SHOW INDEX FROM t WHERE BENCHMARK(1000000, MD5(1))',
      "SHOW OPEN TABLES WHERE LOAD_FILE('/etc/passwd') IS NOT NULL",
      'SHOW TRIGGERS WHERE GET_LOCK(1, 0)',
    ]) {
      expect(await verdict(sql), sql).toMatchObject({ decision: 'deny', code: 'FUNCTION_NOT_ALLOWED' });
    }
  });

  it('refuses text between the words that is not a name, string or number', async () => {
    for (const sql of [
      'SHOW x y z (1, 2) + 3',
      'SHOW TABLE STATUS (SELECT SLEEP(1))',
      "SHOW TABLE STATUS /* c */ LIKE 'x'",
      'SHOW TABLE STATUS -- c\n',
      'SHOW ENGINE INNODB STATUS; DROP TABLE t',
    ]) {
      expect((await verdict(sql)).decision, sql).toBe('deny');
    }
  });

  it('refuses a WHERE that holds a second statement, an assignment or INTO', async () => {
    expect(await verdict('SHOW TABLE STATUS WHERE 1; DROP TABLE t')).toMatchObject({
      decision: 'deny',
      code: 'MULTIPLE_STATEMENTS',
    });
    expect(await verdict('SHOW TABLE STATUS WHERE @a := 1')).toMatchObject({
      decision: 'deny',
      code: 'READ_ONLY_VIOLATION',
    });
  });

  it('reads the plain forms, LIKE patterns as the read session lexes them, and a WHERE of columns', async () => {
    for (const sql of [
      'SHOW ENGINE INNODB STATUS',
      'SHOW SLAVE STATUS',
      'SHOW TABLE STATUS;',
      "SHOW TABLE STATUS LIKE 'order\\_items'",
      'SHOW TABLE STATUS WHERE Rows > 1000',
      "SHOW GRANTS FOR 'root'@'localhost'",
      "SHOW BINLOG EVENTS IN 'log.000001' FROM 4 LIMIT 2",
    ]) {
      expect(await verdict(sql), sql).toMatchObject({ decision: 'allow' });
    }
    // with backslash escapes on (the read session's sql_mode), this is one string: the server sees a pattern, not SLEEP
    expect((await classify("SHOW TABLE STATUS LIKE 'a\\' OR SLEEP(1) -- '", 'mariadb')).functions).toEqual([]);
  });

  it('names the table of SHOW INDEX / COLUMNS / CREATE TABLE and of a WHERE subquery, for deny_tables', async () => {
    expect(showWords('SHOW INDEX FROM secret')).toEqual({ ok: true, tables: [{ name: 'secret' }] });
    expect(showWords('SHOW KEYS IN `sec ret` FROM db')).toEqual({
      ok: true,
      tables: [{ schema: 'db', name: 'sec ret' }],
    });
    expect(showWords('SHOW INDEXES FROM db.secret')).toEqual({ ok: true, tables: [{ schema: 'db', name: 'secret' }] });
    expect((await classify('SHOW COLUMNS FROM db.secret', 'mariadb')).tables).toEqual([
      { schema: 'db', name: 'secret' },
    ]);
    expect((await classify('SHOW CREATE TABLE secret', 'mariadb')).tables).toEqual([{ name: 'secret' }]);
    expect(
      (await classify('SHOW TABLE STATUS WHERE Rows > (SELECT COUNT(*) FROM secret)', 'mariadb')).tables,
    ).toContainEqual({ name: 'secret' });
  });
});

describe('what a second reader found in the SHOW path', () => {
  it('refuses Unicode spaces, which the server reads as part of a name (so -- U+00A0 is no comment there)', async () => {
    const nbsp = '\u00a0';
    for (const sql of [
      `SELECT 1 --${nbsp}, LOAD_FILE('/etc/hostname') AS f\nFROM (SELECT 5 AS \`${nbsp}\`) t`,
      `SHOW TABLE STATUS WHERE EXISTS (SELECT 1 FROM (SELECT 5 AS \`${nbsp}\`) t WHERE 1 --${nbsp} AND SLEEP(2)\n)`,
      `SELECT 1 --\u2028, SLEEP(1)`,
    ]) {
      expect((await verdict(sql)).decision, JSON.stringify(sql)).toBe('deny');
    }
  });

  it('names the table of SHOW CREATE TABLE / VIEW however it is written', async () => {
    expect((await classify('SHOW CREATE TABLE /* c */ secret', 'mariadb')).tables).toEqual([{ name: 'secret' }]);
    expect((await classify('SHOW CREATE VIEW /**/ db.secret', 'mariadb')).tables).toEqual([
      { schema: 'db', name: 'secret' },
    ]);
  });

  it('reads names that start with digits as one name, as the server does', () => {
    expect(showWords('SHOW INDEX FROM 2fa_codes')).toEqual({ ok: true, tables: [{ name: '2fa_codes' }] });
    expect(showWords('SHOW INDEX FROM 2024db.t')).toEqual({ ok: true, tables: [{ schema: '2024db', name: 't' }] });
    expect(showWords('SHOW INDEX FROM t 1WHERE x')).toMatchObject({ ok: true }); // a name, not WHERE: no condition to judge
    expect(showWords('SHOW INDEX FROM t 1WHERE x')).not.toHaveProperty('where');
  });

  it('reports every database written when both db.t and FROM db are given', async () => {
    expect(showWords('SHOW INDEX FROM x.secret FROM prod')).toEqual({
      ok: true,
      tables: [
        { schema: 'prod', name: 'secret' },
        { schema: 'x', name: 'secret' },
      ],
    });
    expect((await classify('SHOW COLUMNS FROM x.secret FROM prod', 'mariadb')).tables).toEqual(
      expect.arrayContaining([
        { schema: 'prod', name: 'secret' },
        { schema: 'x', name: 'secret' },
      ]),
    );
  });

  it('reads the common forms it first refused, and refuses SHOW PLUGINS SONAME', async () => {
    for (const sql of [
      'SHOW GRANTS FOR CURRENT_USER()',
      'SHOW TABLE STATUS LIKE "ord%"',
      'SHOW GRANTS FOR "root"@"localhost"',
      'SHOW INDEX FROM café',
    ]) {
      expect(await verdict(sql), sql).toMatchObject({ decision: 'allow' });
    }
    expect((await verdict("SHOW PLUGINS SONAME 'ha_example.so'")).decision).toBe('deny');
  });
});
