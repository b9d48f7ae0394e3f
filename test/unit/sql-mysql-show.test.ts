/**
 * SHOW statements sqlparser-rs reads as a bare word list (ShowVariable), dropping what it cannot
 * read: the text itself decides, and a WHERE is judged as the condition of a SELECT.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/engines/mysql/classify.js';
import { judgeClassification } from '../../src/guards/statement.js';
import { showWords } from '../../src/sql/mysql/show-words.js';

const verdict = async (sql: string) => judgeClassification(await classify(sql, 'mariadb'));

describe('SHOW statements the parser reads as a word list', () => {
  it('judges the functions of a WHERE the parser dropped', async () => {
    for (const sql of ['SHOW TABLE STATUS WHERE SLEEP(1)', 'SHOW TABLE STATUS WHERE Rows > SLEEP(1)', 'SHOW INDEX FROM t WHERE BENCHMARK(1000000, MD5(1))', "SHOW OPEN TABLES WHERE LOAD_FILE('/etc/passwd') IS NOT NULL", 'SHOW TRIGGERS WHERE GET_LOCK(1, 0)']) {
      expect(await verdict(sql), sql).toMatchObject({ decision: 'deny', code: 'FUNCTION_NOT_ALLOWED' });
    }
  });

  it('refuses text between the words that is not a name, string or number', async () => {
    for (const sql of ['SHOW x y z (1, 2) + 3', 'SHOW TABLE STATUS (SELECT SLEEP(1))', "SHOW TABLE STATUS /* c */ LIKE 'x'", 'SHOW TABLE STATUS -- c\n', 'SHOW ENGINE INNODB STATUS; DROP TABLE t']) {
      expect((await verdict(sql)).decision, sql).toBe('deny');
    }
  });

  it('refuses a WHERE that holds a second statement, an assignment or INTO', async () => {
    expect(await verdict('SHOW TABLE STATUS WHERE 1; DROP TABLE t')).toMatchObject({ decision: 'deny', code: 'MULTIPLE_STATEMENTS' });
    expect(await verdict('SHOW TABLE STATUS WHERE @a := 1')).toMatchObject({ decision: 'deny', code: 'READ_ONLY_VIOLATION' });
  });

  it('reads the plain forms, LIKE patterns as the read session lexes them, and a WHERE of columns', async () => {
    for (const sql of ['SHOW ENGINE INNODB STATUS', 'SHOW SLAVE STATUS', 'SHOW TABLE STATUS;', "SHOW TABLE STATUS LIKE 'order\\_items'", 'SHOW TABLE STATUS WHERE Rows > 1000', "SHOW GRANTS FOR 'root'@'localhost'", "SHOW BINLOG EVENTS IN 'log.000001' FROM 4 LIMIT 2"]) {
      expect(await verdict(sql), sql).toMatchObject({ decision: 'allow' });
    }
    // with backslash escapes on (the read session's sql_mode), this is one string: the server sees a pattern, not SLEEP
    expect((await classify("SHOW TABLE STATUS LIKE 'a\\' OR SLEEP(1) -- '", 'mariadb')).functions).toEqual([]);
  });

  it('names the table of SHOW INDEX / COLUMNS / CREATE TABLE and of a WHERE subquery, for deny_tables', async () => {
    expect(showWords('SHOW INDEX FROM secret')).toEqual({ ok: true, tables: [{ name: 'secret' }] });
    expect(showWords('SHOW KEYS IN `sec ret` FROM db')).toEqual({ ok: true, tables: [{ schema: 'db', name: 'sec ret' }] });
    expect(showWords('SHOW INDEXES FROM db.secret')).toEqual({ ok: true, tables: [{ schema: 'db', name: 'secret' }] });
    expect((await classify('SHOW COLUMNS FROM db.secret', 'mariadb')).tables).toEqual([{ schema: 'db', name: 'secret' }]);
    expect((await classify('SHOW CREATE TABLE secret', 'mariadb')).tables).toEqual([{ name: 'secret' }]);
    expect((await classify('SHOW TABLE STATUS WHERE Rows > (SELECT COUNT(*) FROM secret)', 'mariadb')).tables).toContainEqual({ name: 'secret' });
  });
});
