import { describe, expect, it } from 'vitest';
import { metadataRead } from '../../src/engines/mysql/core/sql/metadata-reads.js';

describe('MySQL metadata reads outside the parser', () => {
  it('matches the plain forms and names the table', () => {
    expect(metadataRead('SHOW CREATE DATABASE shop')).toMatchObject({ type: 'ShowCreate' });
    expect(metadataRead("SHOW PROCEDURE STATUS LIKE 'p%';")).toMatchObject({ type: 'ShowStatus' });
    expect(metadataRead('DESCRIBE `my db`.`my``table` amount')).toEqual({
      type: 'ExplainTable',
      tables: [{ schema: 'my db', name: 'my`table' }],
    });
  });

  it('leaves anything with more in it to the parser', () => {
    for (const sql of [
      'DESCRIBE t; DROP TABLE t',
      'SHOW CREATE TABLE t WHERE SLEEP(1)',
      "SHOW PROCEDURE STATUS WHERE Db = 'x'",
      "SHOW FUNCTION STATUS LIKE 'a' OR SLEEP(1)",
      'DESC t /*!50000 DROP TABLE t */',
      'EXPLAIN SELECT SLEEP(1)',
    ]) {
      expect(metadataRead(sql), sql).toBeUndefined();
    }
  });
});

describe('MySQL forms the parser lacks, read safely', () => {
  it('reads TABLE t with order and limit, and nothing more', () => {
    expect(metadataRead('TABLE shop.orders ORDER BY id DESC LIMIT 5 OFFSET 10')).toEqual({
      type: 'TableStatement',
      tables: [{ schema: 'shop', name: 'orders' }],
    });
    expect(metadataRead('TABLE t; DROP TABLE t')).toBeUndefined();
    expect(metadataRead('TABLE t WHERE SLEEP(1)')).toBeUndefined();
  });

  it('lets ROWS EXAMINED through only when what remains is one read', async () => {
    const { classify } = await import('../../src/engines/mysql/core/classify.js');
    expect((await classify('SELECT * FROM t LIMIT 10 ROWS EXAMINED 1000', 'mariadb')).class).toBe('read');
    const two = await classify('SELECT 1 LIMIT 1 ROWS EXAMINED 5; DROP TABLE t', 'mariadb');
    expect(two.class === 'read' && two.statementCount === 1).toBe(false);
    const sleepy = await classify('SELECT SLEEP(5) LIMIT 1 ROWS EXAMINED 5', 'mariadb');
    expect(sleepy.deniedFunctions).toContain('SLEEP');
  });
});
