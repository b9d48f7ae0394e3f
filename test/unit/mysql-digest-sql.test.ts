/** digestSql: MariaDB/MySQL statement digests (as performance_schema prints them) back to SQL the parser reads. */
import { describe, expect, it } from 'vitest';
import { digestSql } from '../../src/engines/mysql/index-advisor/ops.js';
import { sqlparserQueryShape } from '../../src/engines/kit/sqlparser/query-shape.js';

const quote = (n: string) => `\`${n}\``;

describe('digestSql', () => {
  it('reads a collapsed value list as one placeholder', async () => {
    expect(digestSql('SELECT ID FROM `customers` WHERE `email` IN (...) ')).toBe(
      'SELECT ID FROM `customers` WHERE `email` IN (?)',
    );
    expect(digestSql('SELECT * FROM `t` WHERE `a` IN ( ?, ... ) AND `b` = ?')).toBe(
      'SELECT * FROM `t` WHERE `a` IN ( ? ) AND `b` = ?',
    );
    const shape = await sqlparserQueryShape(
      digestSql('SELECT ID FROM `customers` WHERE `email` IN (...) '),
      'mysql',
      quote,
    );
    expect(shape.accesses[0]!.predicates[0]).toMatchObject({
      op: 'in',
      term: { column: 'email' },
      values: [{ param: 1 }],
    });
  });

  it('writes COUNT ( DISTINCTROW x ) as COUNT(DISTINCT x) and unquotes system variables, so they parse', async () => {
    const digest =
      'SELECT COUNT ( * ) , COUNT ( DISTINCTROW `order_id` ) , `stat_value` * @@`innodb_page_size` FROM `payments` ';
    await expect(sqlparserQueryShape(digest, 'mysql', quote)).rejects.toMatchObject({ code: 'SQL_SYNTAX' });
    expect(digestSql(digest)).toBe(
      'SELECT COUNT ( * ) , COUNT ( DISTINCT `order_id` ) , `stat_value` * @@innodb_page_size FROM `payments`',
    );
    await expect(sqlparserQueryShape(digestSql(digest), 'mysql', quote)).resolves.toMatchObject({
      accesses: [expect.objectContaining({ table: expect.objectContaining({ name: 'payments' }) })],
    });
  });

  it('leaves an ordinary digest as it is', () => {
    expect(digestSql('SELECT * FROM `payments` WHERE `order_id` = ? ')).toBe(
      'SELECT * FROM `payments` WHERE `order_id` = ?',
    );
  });
});
