/**
 * The guards on a real MariaDB through run_query, logged in as root: the public incidents are
 * refused with the database and the file system unchanged, and hard legitimate reads run.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVERS, skipUnlessReachable, type Scratch } from '../../helpers/databases.js';
import { connect, errorOf, type Harness } from '../../helpers/mcp.js';

const GUARD_CODES = [
  'READ_ONLY_VIOLATION',
  'STATEMENT_NOT_ALLOWED',
  'FUNCTION_NOT_ALLOWED',
  'MULTIPLE_STATEMENTS',
  'SQL_SYNTAX',
];
const OUTFILE = '/tmp/dba_mcp_outfile.txt';

const attacks = (s: string) => [
  `SELECT 1; DROP TABLE ${s}.orders`,
  `/*!50000 DELETE FROM ${s}.orders */`,
  `SELECT 1 /*!50000 INTO OUTFILE '${OUTFILE}' */`,
  `/*M!100000 DROP TABLE ${s}.orders */`,
  `SELECT * FROM ${s}.orders INTO OUTFILE '${OUTFILE}'`,
  `SELECT 1 INTO/**/OUTFILE '${OUTFILE}'`,
  `SELECT id INTO @x FROM ${s}.orders LIMIT 1`,
  `SELECT * FROM ${s}.orders FOR UPDATE`,
  `SELECT * FROM ${s}.orders LOCK IN SHARE MODE`,
  `SET STATEMENT max_statement_time=0 FOR SELECT SLEEP(3)`,
  `SET SESSION TRANSACTION READ WRITE`,
  `SET @@session.tx_read_only = 0`,
  `SELECT SLEEP(3)`,
  `SELECT * FROM ${s}.orders WHERE id = (SELECT SLEEP(3))`,
  `SELECT BENCHMARK(100000000, MD5('x'))`,
  `SELECT GET_LOCK('dba_mcp', 0)`,
  `SELECT LOAD_FILE('/etc/passwd')`,
  `DO SLEEP(3)`,
  `CREATE TABLE ${s}.evil (id int)`,
  `DROP TABLE ${s}.orders`,
  `TRUNCATE ${s}.orders`,
  `INSERT INTO ${s}.orders VALUES (99, 1)`,
  `UPDATE ${s}.orders SET total = 0`,
  `/* x */ DELETE FROM ${s}.orders`,
  `-- x\nDELETE FROM ${s}.orders`,
  `REPLACE INTO ${s}.orders VALUES (1, 0)`,
  `LOCK TABLES ${s}.orders WRITE`,
  `FLUSH TABLES`,
  `ANALYZE TABLE ${s}.orders`,
  `OPTIMIZE TABLE ${s}.orders`,
  `KILL 1`,
  `HANDLER ${s}.orders OPEN`,
  `CALL ${s}.p()`,
  `EXECUTE IMMEDIATE 'DROP TABLE ${s}.orders'`,
  `PREPARE st FROM 'DELETE FROM ${s}.orders'`,
  `GRANT ALL ON *.* TO 'x'@'%'`,
  `USE mysql`,
  `SELECT @a := 1`,
  `SELECT NEXTVAL(${s}.seq)`,
  `SELECT LAST_INSERT_ID(42)`,
  `SELECT ${s}.f()`,
  `ANALYZE FORMAT=JSON DELETE FROM ${s}.orders`,
  `EXPLAIN ANALYZE DELETE FROM ${s}.orders`,
  // SHOW forms sqlparser-rs reads as a bare word list, dropping the rest (the server runs the WHERE per row)
  `SHOW TABLE STATUS FROM ${s} WHERE SLEEP(3)`,
  `SHOW INDEX FROM ${s}.orders WHERE SLEEP(3)`,
  `SHOW OPEN TABLES WHERE LOAD_FILE('/etc/passwd') IS NOT NULL`,
  `SHOW TRIGGERS FROM ${s} WHERE BENCHMARK(100000000, MD5('x'))`,
  `SHOW TABLE STATUS FROM ${s} (SELECT SLEEP(3))`,
  `SELECT 1 --\u00a0, LOAD_FILE('/etc/hostname') AS f\nFROM (SELECT 5 AS \`\u00a0\`) t`,
  `SELECT 5 AS \`\u00a0\` HAVING 1 --\u00a0 AND SLEEP(3)`,
];

const reads = (s: string) => [
  `SELECT \`update\`, \`delete\` FROM ${s}.\`update\``,
  `SELECT 'DROP TABLE orders; DELETE FROM x' AS s, "DELETE" AS d`,
  `SELECT 1 /* DROP TABLE orders */`,
  `WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT SUM(n) FROM r`,
  `SELECT id, SUM(total) OVER (PARTITION BY customer_id ORDER BY id) FROM ${s}.orders`,
  `SELECT JSON_EXTRACT('{"a": 1}', '$.a'), JSON_OBJECT('k', id) FROM ${s}.orders`,
  `SELECT * FROM JSON_TABLE('[{"a": 1}]', '$[*]' COLUMNS (a INT PATH '$.a')) AS jt`,
  `SELECT * FROM ${s}.orders USE INDEX (PRIMARY) WHERE id = 1`,
  `EXPLAIN SELECT * FROM ${s}.orders`,
  `EXPLAIN FORMAT=JSON SELECT * FROM ${s}.orders`,
  `ANALYZE FORMAT=JSON SELECT COUNT(*) FROM ${s}.orders`,
  `SHOW TABLES FROM ${s}`,
  `SHOW CREATE TABLE ${s}.orders`,
  `SHOW INDEX FROM ${s}.orders`,
  `SHOW VARIABLES LIKE 'max_connections'`,
  `SHOW ENGINE INNODB STATUS`,
  `SHOW TABLE STATUS FROM ${s} WHERE Engine = 'InnoDB'`,
  `SHOW TABLE STATUS FROM ${s} LIKE 'ord\\_%'`,
  `DESCRIBE ${s}.orders`,
  `SELECT table_name FROM information_schema.tables WHERE table_schema = '${s}'`,
  `SELECT customer_id, COUNT(*) FROM ${s}.orders GROUP BY customer_id WITH ROLLUP`,
  `SELECT 1 FROM DUAL`,
  `SELECT NOW(), DATABASE(), VERSION(), CONNECTION_ID()`,
  `SELECT a.id FROM ${s}.orders a WHERE EXISTS (SELECT 1 FROM ${s}.orders b WHERE b.id = a.id) UNION SELECT 0`,
  `SELECT id FROM ${s}.orders WHERE customer_id = ? AND total > ?`,
];

const skip = await skipUnlessReachable('mysql');

describe.skipIf(skip)('guards on MariaDB (root login)', () => {
  let scratch: Scratch;
  let mcp: Harness;
  const state = async () => [
    await scratch.scalar(`SELECT CONCAT(COUNT(*), ':', SUM(total)) FROM ${scratch.schema}.orders`),
    await scratch.scalar(
      `SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema = '${scratch.schema}'`,
    ),
    fs.existsSync(OUTFILE),
  ];
  let before: unknown[];

  beforeAll(async () => {
    fs.rmSync(OUTFILE, { force: true });
    scratch = await SERVERS.mysql.scratch();
    const s = scratch.schema;
    await scratch.exec(`CREATE TABLE ${s}.orders (id INT PRIMARY KEY, customer_id INT, total DECIMAL(10,2) DEFAULT 1); INSERT INTO ${s}.orders (id, customer_id) VALUES (1, 1), (2, 2), (3, 1);
      CREATE TABLE ${s}.\`update\` (\`update\` INT, \`delete\` TEXT); CREATE SEQUENCE ${s}.seq;
      CREATE PROCEDURE ${s}.p() DELETE FROM ${s}.orders; CREATE FUNCTION ${s}.f() RETURNS INT DETERMINISTIC RETURN 1`);
    mcp = await connect([scratch.source({ limits: { statement_timeout_ms: 5000 } })]);
    before = await state();
  });

  afterAll(async () => {
    await mcp?.close();
    await scratch?.drop();
  });

  it('refuses every attack at the guard', async () => {
    const through: string[] = [];
    for (const sql of attacks(scratch.schema)) {
      const err = errorOf(await mcp.call('run_query', { sql }));
      if (!err || !GUARD_CODES.includes(err.code)) through.push(`${sql} -> ${err?.code ?? 'RAN'}`);
    }
    expect(through).toEqual([]);
  });

  it('leaves the database and the file system unchanged', async () => {
    expect(await state()).toEqual(before);
  });

  it('runs the hard legitimate reads', async () => {
    const refused: string[] = [];
    for (const sql of reads(scratch.schema)) {
      const params = sql.includes('?') ? [1, 0] : undefined;
      const err = errorOf(await mcp.call('run_query', { sql, ...(params ? { params } : {}) }));
      if (err) refused.push(`${sql} -> ${err.code}: ${err.message}`);
    }
    expect(refused).toEqual([]);
  });
});

describe.skipIf(skip)('MariaDB: a function name resolves as the server resolves it', () => {
  let scratch: Scratch;
  let mcp: Harness;

  beforeAll(async () => {
    scratch = await SERVERS.mysql.scratch();
    const s = scratch.schema;
    // allow-listed names that are not built-ins on MariaDB 10.11: the server calls the stored function
    await scratch.exec(`CREATE TABLE ${s}.secret_t (v VARCHAR(20)); INSERT INTO ${s}.secret_t VALUES ('TOPSECRET');
      CREATE FUNCTION ${s}.REGEXP_LIKE(a TEXT, b TEXT) RETURNS TEXT READS SQL DATA RETURN (SELECT GROUP_CONCAT(v) FROM ${s}.secret_t);
      CREATE FUNCTION ${s}.FORMAT_BYTES(a BIGINT) RETURNS TEXT READS SQL DATA RETURN (SELECT GROUP_CONCAT(v) FROM ${s}.secret_t);
      CREATE FUNCTION ${s}.net(a DECIMAL(10,2)) RETURNS DECIMAL(10,2) DETERMINISTIC RETURN a * 0.8`);
    mcp = await connect([scratch.source({ deny_tables: ['secret_t'], allow_functions: [`${s}.net`] })]);
  });

  afterAll(async () => {
    await mcp?.close();
    await scratch?.drop();
  });

  it('refuses a name the allow-list knows when a stored function answers to it, and runs what allow_functions names', async () => {
    const s = scratch.schema;
    for (const sql of [
      `SELECT REGEXP_LIKE('a', 'b') AS x`,
      `SELECT FORMAT_BYTES(1024) AS x`,
      `SELECT ${s}.REGEXP_LIKE('a', 'b')`,
    ]) {
      const result = await mcp.call('run_query', { sql });
      expect(errorOf(result)?.code, sql).toBe('FUNCTION_NOT_ALLOWED');
      expect(JSON.stringify(result), sql).not.toContain('TOPSECRET');
    }
    // views nested deeper than the expansion follows: refused, not let through
    const chain = Array.from({ length: 10 }, (_, i) =>
      i === 9 ? `CREATE VIEW ${s}.v9 AS SELECT v FROM ${s}.secret_t` : '',
    ).filter(Boolean);
    for (let i = 8; i >= 0; i--) chain.push(`CREATE VIEW ${s}.v${i} AS SELECT v FROM ${s}.v${i + 1}`);
    for (const ddl of chain) await scratch.exec(ddl);
    const deep = await mcp.call('run_query', { sql: `SELECT * FROM ${s}.v0` });
    expect(errorOf(deep)?.code).toBe('STATEMENT_NOT_ALLOWED');
    expect(JSON.stringify(deep)).not.toContain('TOPSECRET');
    // a view over a stored function runs it: judged like a call in the statement itself
    await scratch.exec(
      `CREATE FUNCTION ${s}.sets_var() RETURNS INT NOT DETERMINISTIC BEGIN SET @pwn = 'PWNED'; RETURN 1; END;
       CREATE VIEW ${s}.v_fn AS SELECT ${s}.sets_var() AS e; CREATE VIEW ${s}.v_net AS SELECT ${s}.net(10) AS n`,
    );
    expect(errorOf(await mcp.call('run_query', { sql: `SELECT * FROM ${s}.v_fn` }))?.code).toBe('FUNCTION_NOT_ALLOWED');
    expect(errorOf(await mcp.call('run_query', { sql: `SELECT * FROM ${s}.v_net` }))).toBeUndefined();
    const net = await mcp.call('run_query', { sql: `SELECT ${s}.net(10) AS n, UPPER('ok') AS u` });
    expect(errorOf(net)).toBeUndefined();
    expect(net.structuredContent).toMatchObject({ rows: [['8.00', 'OK']] });
  });
});

describe.skipIf(skip)('MariaDB: values are bound by the server, never spliced into the judged text', () => {
  let scratch: Scratch;
  let mcp: Harness;
  const rowsOf = (r: Awaited<ReturnType<Harness['call']>>) =>
    r.structuredContent as { columns: { name: string }[]; rows: unknown[][] } | undefined;

  beforeAll(async () => {
    scratch = await SERVERS.mysql.scratch();
    const s = scratch.schema;
    await scratch.exec(`CREATE TABLE ${s}.secret_t (v VARCHAR(20)); INSERT INTO ${s}.secret_t VALUES ('TOPSECRET')`);
    mcp = await connect([scratch.source({ deny_tables: ['secret_t'], limits: { statement_timeout_ms: 5000 } })]);
  });

  afterAll(async () => {
    await mcp?.close();
    await scratch?.drop();
  });

  it('a value cannot close a comment and add SQL the guards never saw (mysql2 fills ? inside /*+ */ on the client)', async () => {
    const s = scratch.schema;
    const payloads = [
      `*/ , (SELECT GROUP_CONCAT(v) FROM ${s}.secret_t) AS leak #`,
      `*/ , LOAD_FILE('/etc/hostname') AS leak #`,
      `*/ , SLEEP(3) AS leak #`,
    ];
    for (const payload of payloads) {
      for (const tool of ['run_query', 'analyze_query'] as const) {
        const args = {
          sql: 'SELECT 1 AS a /*+ ? */',
          params: [payload],
          ...(tool === 'analyze_query' ? { analyze: true } : {}),
        };
        const started = Date.now();
        const result = await mcp.call(tool, args);
        expect(Date.now() - started, `${tool}: ${payload}`).toBeLessThan(2500);
        expect(JSON.stringify(result), `${tool}: ${payload}`).not.toContain('TOPSECRET');
        // the ? inside the comment is no placeholder: the value has nothing to bind to
        expect(errorOf(result)?.code, `${tool}: ${payload}`).toBe('INVALID_ARGUMENT');
      }
    }
  });

  it('values are counted against the placeholders the server found, for every tool that binds them', async () => {
    const s = scratch.schema;
    for (const tool of ['run_query', 'analyze_query'] as const)
      for (const [sql, params] of [
        ['SELECT ? AS a', [1, 2]],
        ['SELECT ? AS a', ['hello', 'world']],
        [`SELECT v FROM ${s}.secret_t WHERE v = ? AND v <> ?`, ['x']],
        ['SELECT 1 AS a /*+ ? */', ['x']],
      ] as const) {
        const err = errorOf(
          await mcp.call(tool, { sql, params: [...params], ...(tool === 'analyze_query' ? { analyze: true } : {}) }),
        );
        if (sql.includes('secret_t')) expect(err?.code, `${tool}: ${sql}`).toBe('TABLE_DENIED');
        else expect(err?.code, `${tool}: ${sql} ${JSON.stringify(params)}`).toBe('INVALID_ARGUMENT');
      }
  });

  it('a bound value comes back as data, exactly', async () => {
    const value = `it's "quoted" \\ back\\slash /*+ */ -- # ? ;`;
    const result = await mcp.call('run_query', { sql: 'SELECT ? AS v, ? + 1 AS n', params: [value, 41] });
    expect(errorOf(result)).toBeUndefined();
    expect(rowsOf(result)?.rows).toEqual([[value, 42]]);
  });

  it('leaves no prepared statement behind', async () => {
    const count = async () =>
      Number(
        await scratch.scalar(
          `SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'PREPARED_STMT_COUNT'`,
        ),
      );
    const before = await count();
    for (let i = 0; i < 20; i++) await mcp.call('run_query', { sql: `SELECT ? + ${i} AS n`, params: [i] });
    // other tests may hold a few meanwhile; 20 distinct texts left prepared would show
    expect(await count()).toBeLessThan(before + 10);
  });
});
