/** The pure parts of migration planning: statement splitting, type coercion, online DDL by version, the SQLite rebuild edit, the steps text, the prompt. */
import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../src/engines/kit/migrations/split-statements.js';
import { stepsText } from '../../src/tools/migrations/steps-text.js';
import { binaryCoercible, narrowingViolation, typeFromCatalog } from '../../src/engines/postgres/migrations/coerce.js';
import { addColumn, dropColumn, makeNotNull } from '../../src/engines/mysql/migrations/online.js';
import { editedCreate } from '../../src/engines/sqlite/migrations/rebuild.js';
import { splitStatements as splitPg, splitAlter } from '../../src/engines/postgres/migrations/text.js';
import { reviewMigration } from '../../src/prompts/review-migration.js';

describe('splitStatements (MySQL, SQLite)', () => {
  it('splits at top-level semicolons only', () => {
    const sql =
      "INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`); -- x; y\nUPDATE t SET a = 'it''s; fine' # z;\n; /* ; */ DELETE FROM t";
    expect(splitStatements(sql, 'mysql')).toEqual([
      'INSERT INTO t VALUES (\'a;b\', "c;d", `e;f`)',
      "-- x; y\nUPDATE t SET a = 'it''s; fine' # z;",
      '/* ; */ DELETE FROM t',
    ]);
    expect(splitStatements(sql, 'mysql')).toHaveLength(3);
    expect(splitStatements("SELECT 'a\\';b'; SELECT 2", 'mysql')).toEqual(["SELECT 'a\\';b'", 'SELECT 2']);
  });

  it('keeps a SQLite trigger body whole', () => {
    const sql =
      'CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET n = n + 1; INSERT INTO c VALUES (1); END; DROP TABLE x;';
    expect(splitStatements(sql, 'sqlite')).toEqual([
      'CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET n = n + 1; INSERT INTO c VALUES (1); END',
      'DROP TABLE x',
    ]);
  });

  it('drops empty pieces and comment-only pieces', () => {
    expect(splitStatements(';; -- nothing\n;', 'sqlite')).toEqual([]);
  });
});

describe('PostgreSQL text', () => {
  it('splits ALTER TABLE subcommands at top-level commas', async () => {
    const [stmt] = await splitPg(
      'ALTER TABLE public.t ADD COLUMN a numeric(10,2) DEFAULT 0, ADD CONSTRAINT c CHECK (a > 0 AND a < 5), DROP COLUMN b;',
    );
    const rel = (stmt!.node.relation as { location: number }).location;
    expect(splitAlter(stmt!.lexed, rel)).toEqual({
      head: 'ALTER TABLE public.t',
      commands: ['ADD COLUMN a numeric(10,2) DEFAULT 0', 'ADD CONSTRAINT c CHECK (a > 0 AND a < 5)', 'DROP COLUMN b'],
    });
  });

  it('refuses text that does not parse, with SQL_SYNTAX', async () => {
    await expect(splitPg('ALTER TABLE t ADD COLUMN')).rejects.toMatchObject({ code: 'SQL_SYNTAX' });
  });
});

describe('binary-coercible type changes (no rewrite)', () => {
  const c = (from: string, to: string, tz = 'UTC') => binaryCoercible(typeFromCatalog(from), typeFromCatalog(to), tz);
  it('knows the safe ones', () => {
    expect(c('character varying(50)', 'character varying(100)')).toBe(true);
    expect(c('character varying(50)', 'text')).toBe(true);
    expect(c('numeric(10,2)', 'numeric(12,2)')).toBe(true);
    expect(c('timestamp without time zone', 'timestamp with time zone', 'Etc/UTC')).toBe(true);
    expect(c('cidr', 'inet')).toBe(true);
  });
  it('and the rewriting ones', () => {
    expect(c('character varying(100)', 'character varying(20)')).toBe(false);
    expect(c('integer', 'bigint')).toBe(false);
    expect(c('numeric(10,2)', 'numeric(10,4)')).toBe(false);
    expect(c('timestamp without time zone', 'timestamp with time zone', 'America/New_York')).toBe(false);
  });
  it('writes the violation predicate of a narrowing change', () => {
    expect(
      narrowingViolation(typeFromCatalog('character varying(100)'), typeFromCatalog('character varying(20)'), 'city'),
    ).toBe('length(city) > 20');
    expect(narrowingViolation(typeFromCatalog('bigint'), typeFromCatalog('integer'), 'n')).toBe(
      'n NOT BETWEEN -2147483648 AND 2147483647',
    );
  });
});

describe('MySQL / MariaDB online DDL by version', () => {
  const maria = (v: [number, number, number]) => ({ variant: 'mariadb' as const, version: v });
  const mysql = (v: [number, number, number]) => ({ variant: 'mysql' as const, version: v });
  it('ADD COLUMN: MariaDB 10.4+ instant anywhere, 10.3 only at the end; MySQL 8.0.29 anywhere, 8.0.12 at the end', () => {
    expect(addColumn(maria([10, 11, 9]), 'plain', true).algorithm).toBe('INSTANT');
    expect(addColumn(maria([10, 3, 0]), 'plain', true).algorithm).toBe('INPLACE');
    expect(addColumn(maria([10, 3, 0]), 'plain', false).algorithm).toBe('INSTANT');
    expect(addColumn(mysql([8, 0, 20]), 'plain', true)).toMatchObject({ algorithm: 'INPLACE', rebuilds_table: true });
    expect(addColumn(mysql([8, 0, 29]), 'plain', true).algorithm).toBe('INSTANT');
    expect(addColumn(mysql([8, 0, 35]), 'expression-default', false).algorithm).toBe('INPLACE');
    expect(addColumn(mysql([8, 0, 35]), 'stored', false).algorithm).toBe('COPY');
  });
  it('DROP COLUMN and NOT NULL', () => {
    expect(dropColumn(mysql([8, 0, 28])).algorithm).toBe('INPLACE');
    expect(dropColumn(mysql([8, 0, 29])).algorithm).toBe('INSTANT');
    expect(makeNotNull(maria([10, 11, 9])).algorithm).toBe('COPY');
    expect(makeNotNull(mysql([8, 0, 35])).algorithm).toBe('INPLACE');
  });
});

describe('SQLite rebuild: the CREATE TABLE with one edit', () => {
  const create =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, note varchar(10) DEFAULT 'a,b', CHECK (length(email) > 3))";
  const types = new Map([
    ['id', 'INTEGER'],
    ['email', 'TEXT'],
    ['note', 'varchar(10)'],
  ]);
  it('changes a type, adds NOT NULL, drops a column', () => {
    expect(editedCreate(create, 'new_users', { kind: 'type', column: 'note', type: 'TEXT' }, types)).toBe(
      'CREATE TABLE "new_users" (id INTEGER PRIMARY KEY, email TEXT, note TEXT DEFAULT \'a,b\', CHECK (length(email) > 3))',
    );
    expect(editedCreate(create, 'new_users', { kind: 'not-null', column: 'email' }, types)).toContain(
      'email TEXT NOT NULL,',
    );
    expect(editedCreate(create, 'new_users', { kind: 'drop', column: 'note' }, types)).toBe(
      'CREATE TABLE "new_users" (id INTEGER PRIMARY KEY, email TEXT, CHECK (length(email) > 3))',
    );
  });
  it('refuses to drop a column a table constraint uses', () => {
    expect(editedCreate(create, 'new_users', { kind: 'drop', column: 'email' }, types)).toBeNull();
  });
});

describe('steps text', () => {
  it('is exactly the statements, each ended by a semicolon, under comment headers', () => {
    const text = stepsText([
      {
        n: 1,
        statements: ['BEGIN', "SET LOCAL lock_timeout = '5000ms'", 'ALTER TABLE t ADD COLUMN a int', 'COMMIT'],
        transactional: true,
        rollback: 'ALTER TABLE t DROP COLUMN a',
        purpose: 'as written',
        dry_run_body: [],
        from_statement: 0,
      },
      {
        n: 2,
        statements: ['DROP TABLE u'],
        transactional: true,
        rollback: null,
        irreversible: { reason: 'data', backup: 'pg_dump -t u' },
        purpose: 'as written',
        dry_run_body: [],
        from_statement: 1,
      },
    ]);
    expect(text).toBe(
      "-- step 1/2 (statement 1, in a transaction): as written\n-- rollback: ALTER TABLE t DROP COLUMN a\nBEGIN;\nSET LOCAL lock_timeout = '5000ms';\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;\n\n" +
        '-- step 2/2 (statement 2, in a transaction): as written\n-- irreversible: data; back up first: pg_dump -t u\nDROP TABLE u;\n',
    );
  });
});

describe('review_migration prompt', () => {
  it('puts the migration in a fence and walks plan -> review -> apply through a person', () => {
    const [msg] = reviewMigration.messages({ sql: 'ALTER TABLE t ADD COLUMN a int', source: 'shop' });
    expect(msg!.content.text).toContain('```sql\nALTER TABLE t ADD COLUMN a int\n```');
    expect(msg!.content.text).toContain('"source": "shop"');
    expect(msg!.content.text).toMatch(/plan_migration[\s\S]*apply_migration[\s\S]*approve/);
  });
});
