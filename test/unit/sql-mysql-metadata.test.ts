import { describe, expect, it } from 'vitest';
import { metadataRead } from '../../src/sql/mysql/metadata-reads.js';

describe('MySQL metadata reads outside the parser', () => {
  it('matches the plain forms and names the table', () => {
    expect(metadataRead('SHOW CREATE DATABASE shop')).toMatchObject({ type: 'ShowCreate' });
    expect(metadataRead("SHOW PROCEDURE STATUS LIKE 'p%';")).toMatchObject({ type: 'ShowStatus' });
    expect(metadataRead('DESCRIBE `my db`.`my``table` amount')).toEqual({ type: 'ExplainTable', tables: [{ schema: 'my db', name: 'my`table' }] });
  });

  it('leaves anything with more in it to the parser', () => {
    for (const sql of ['DESCRIBE t; DROP TABLE t', 'SHOW CREATE TABLE t WHERE SLEEP(1)', "SHOW PROCEDURE STATUS WHERE Db = 'x'", "SHOW FUNCTION STATUS LIKE 'a' OR SLEEP(1)", 'DESC t /*!50000 DROP TABLE t */', 'EXPLAIN SELECT SLEEP(1)']) {
      expect(metadataRead(sql), sql).toBeUndefined();
    }
  });
});
