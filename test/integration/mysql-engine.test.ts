/**
 * The MySQL/MariaDB engine against a real server on 127.0.0.1:3306 (root, empty password).
 * Each run works in its own database, dropped at the end. Without a server the suite is skipped
 * (and fails under CI).
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ResolvedSource } from '../../src/config/load.js';
import { createEngine } from '../../src/engines/mysql/index.js';
import { inspectSql, leavesSessionClean } from '../../src/engines/mysql/core/statements.js';
import type { EngineAdapter, QueryResult, ReadQuery } from '../../src/engines/contract/engine.js';
import { isToolError, type ToolError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logging.js';

const HOST = '127.0.0.1';
const PORT = 3306;
const DB = `dba_mcp_t_${randomBytes(4).toString('hex')}`;
const BAD_USER = `dba_mcp_u_${randomBytes(3).toString('hex')}`;
const BAD_PASSWORD = `s3cret-${randomBytes(6).toString('hex')}`;
const NARROW_USER = `dba_mcp_n_${randomBytes(3).toString('hex')}`;
const NARROW_PASSWORD = `n4rrow-${randomBytes(6).toString('hex')}`;
const logger = createLogger({ level: 'silent' });

async function probe(): Promise<string | undefined> {
  try {
    const conn = await mysql.createConnection({ host: HOST, port: PORT, user: 'root', connectTimeout: 2_000 });
    await conn.end();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const unreachable = await probe();
if (unreachable && process.env.CI)
  throw new Error(`MySQL/MariaDB at ${HOST}:${PORT} is required under CI: ${unreachable}`);
if (unreachable) process.stderr.write(`skipping mysql-engine tests: no server at ${HOST}:${PORT} (${unreachable})\n`);

/** A TCP relay to the real server that can be taken down and brought back: a restart, seen from the client. */
class Relay {
  #server: net.Server | undefined;
  readonly #sockets = new Set<net.Socket>();
  port = 0;

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(PORT, HOST);
      const drop = () => (client.destroy(), upstream.destroy());
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('error', drop).on('close', () => (drop(), this.#sockets.delete(socket)));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, HOST, resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}

function sourceFor(dsn: string, limits: Partial<ResolvedSource['limits']> = {}): ResolvedSource {
  const source = loadConfig({ dsn: [dsn] }, {}).sources[0]!;
  return { ...source, limits: { ...source.limits, ...limits } };
}

const dsn = (db = DB, auth = 'root', port = PORT) => `mysql://${auth}@${HOST}:${port}/${db}`;

/** The ToolError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (err) {
    if (isToolError(err)) return err;
    throw err;
  }
  throw new Error('expected a ToolError, got a result');
}

const read = (engine: EngineAdapter, sql: string, extra: Partial<ReadQuery> = {}): Promise<QueryResult> =>
  engine.runRead({ sql, maxRows: 100, timeoutMs: 10_000, ...extra });

const SETUP = [
  `CREATE TABLE vals (id INT PRIMARY KEY, i INT, big BIGINT, dec_ DECIMAL(30,10), f DOUBLE, dt DATETIME(3), d DATE,
     bl BLOB, vb VARBINARY(8), bt BIT(8), js JSON, tx TEXT, n INT NULL, u INT UNSIGNED)`,
  `INSERT INTO vals VALUES (1, -42, 9007199254740993, 12345678901234567890.0123456789, 1.5, '2024-02-29 13:14:15.678',
     '2024-02-29', X'00ff10', X'cafe', b'10100101', '{"a": [1, 2.50, "x"], "big": 9007199254740993}', 'héllo', NULL, 4294967295)`,
  `CREATE TABLE six (id INT PRIMARY KEY)`,
  `INSERT INTO six VALUES (1), (2), (3), (4), (5), (6)`,
  `CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL, name VARCHAR(100) DEFAULT 'anon' COMMENT 'display name',
     UNIQUE KEY uq_customers_email (email)) COMMENT 'people who buy'`,
  `CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, created_at DATETIME NOT NULL, status VARCHAR(20),
     KEY ix_orders_customer_created (customer_id, created_at), KEY ix_orders_status_prefix (status(5)),
     CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE)`,
  `CREATE TABLE order_items (order_id INT NOT NULL, line INT NOT NULL, sku VARCHAR(20), PRIMARY KEY (order_id, line),
     CONSTRAINT fk_items_order FOREIGN KEY (order_id) REFERENCES orders (id))`,
  `CREATE VIEW v_orders AS SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id`,
  `INSERT INTO customers VALUES (1, 'a@example.com', 'Ann')`,
];

describe.skipIf(Boolean(unreachable))('mysql engine (MariaDB at 127.0.0.1:3306)', () => {
  let admin: mysql.Connection;
  let engine: EngineAdapter;
  const opened: EngineAdapter[] = [];
  const open = (source: ResolvedSource) => {
    const e = createEngine(source, { logger });
    opened.push(e);
    return e;
  };

  beforeAll(async () => {
    admin = await mysql.createConnection({ host: HOST, port: PORT, user: 'root' });
    await admin.query(`CREATE DATABASE \`${DB}\``);
    await admin.query(`USE \`${DB}\``);
    for (const sql of SETUP) await admin.query(sql);
    engine = open(sourceFor(dsn()));
  });

  afterAll(async () => {
    await Promise.all(opened.map((e) => e.close()));
    if (!admin) return;
    await admin.query(`DROP DATABASE IF EXISTS \`${DB}\``);
    await admin.query(`DROP USER IF EXISTS '${BAD_USER}'@'%'`);
    await admin.query(`DROP USER IF EXISTS '${NARROW_USER}'@'%'`);
    await admin.end();
  });

  async function tableExists(name: string): Promise<boolean> {
    const [rows] = await admin.query<mysql.RowDataPacket[]>(
      'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [DB, name],
    );
    return rows.length > 0;
  }

  /** Statements of ours still running on the server whose text contains `marker`. */
  async function running(marker: string): Promise<number> {
    const [rows] = await admin.query<mysql.RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND INFO NOT LIKE '%PROCESSLIST%'`,
      [`%${marker}%`],
    );
    return Number(rows[0]?.n);
  }

  it('detects MariaDB and reports a clean version, keeping the full string', async () => {
    const info = (await engine.serverInfo()) as {
      engine: string;
      variant: string;
      version: string;
      full_version: string;
    };
    expect(info.engine).toBe('mysql');
    expect(info.variant).toBe('mariadb');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(info.full_version).toContain('MariaDB');
    expect(info.full_version.startsWith(info.version)).toBe(true);
  });

  it('converts values without losing precision', async () => {
    const res = await read(engine, 'SELECT id, i, big, dec_, f, dt, d, bl, vb, bt, js, tx, n, u FROM vals');
    expect(res.truncated).toBe(false);
    expect(res.rows).toEqual([
      [
        1,
        -42,
        '9007199254740993',
        '12345678901234567890.0123456789',
        1.5,
        '2024-02-29 13:14:15.678',
        '2024-02-29',
        '0x00ff10',
        '0xcafe',
        '0xa5',
        expect.any(String),
        'héllo',
        null,
        4294967295,
      ],
    ]);
    const json = res.rows[0]![10] as string;
    expect(json).toContain('9007199254740993'); // the JSON text itself, not a parsed (rounded) object
    expect(JSON.parse(json)).toMatchObject({ a: [1, 2.5, 'x'] });
  });

  it('names column types', async () => {
    const res = await read(
      engine,
      'SELECT id, big, dec_, f, dt, d, bl, vb, bt, js, tx, u, CAST(1 AS CHAR) AS c FROM vals',
    );
    expect(Object.fromEntries(res.columns.map((c) => [c.name, c.type]))).toEqual({
      id: 'int',
      big: 'bigint',
      dec_: 'decimal',
      f: 'double',
      dt: 'datetime',
      d: 'date',
      bl: 'blob',
      vb: 'varbinary',
      bt: 'bit',
      js: 'json',
      tx: 'text',
      u: 'int unsigned',
      c: 'varchar',
    });
  });

  it('passes parameters, escaped on the client', async () => {
    const res = await read(engine, 'SELECT ? AS s, ? AS n, ? AS z', { params: ["it's; DROP TABLE six --", 7, null] });
    expect(res.rows).toEqual([["it's; DROP TABLE six --", 7, null]]);
    expect(await tableExists('six')).toBe(true);
  });

  it('sets truncated exactly at maxRows', async () => {
    const five = await read(engine, 'SELECT id FROM six WHERE id <= 5 ORDER BY id', { maxRows: 5 });
    expect(five).toMatchObject({ truncated: false, rows: [[1], [2], [3], [4], [5]] });
    const six = await read(engine, 'SELECT id FROM six ORDER BY id', { maxRows: 5 });
    expect(six).toMatchObject({ truncated: true, rows: [[1], [2], [3], [4], [5]] });
    expect(six.columns).toEqual([{ name: 'id', type: 'int', origin: { schema: DB, table: 'six', column: 'id' } }]);
  });

  it('answers a truncated read over a huge result without waiting for the rest', async () => {
    const marker = `huge_${randomBytes(3).toString('hex')}`;
    const started = Date.now();
    const res = await read(engine, `SELECT seq AS ${marker} FROM seq_1_to_50000000`, { maxRows: 10 });
    expect(res.rows).toHaveLength(10);
    expect(res.truncated).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect.poll(() => running(marker), { timeout: 3_000 }).toBe(0); // the rest is not streamed for nothing
    expect((await read(engine, 'SELECT 1')).rows).toEqual([[1]]);
  });

  it('refuses INSERT, CREATE TABLE and DROP TABLE and leaves the data alone', async () => {
    expect((await failure(read(engine, 'INSERT INTO six VALUES (7)'))).code).toBe('READ_ONLY_VIOLATION');
    expect((await read(engine, 'SELECT COUNT(*) FROM six')).rows).toEqual([['6']]);
    const create = await failure(read(engine, 'CREATE TABLE sneaky (a INT)'));
    expect(create.code).toBe('READ_ONLY_VIOLATION');
    expect(create.hint).toContain('request_change');
    expect(await tableExists('sneaky')).toBe(false);
    expect((await failure(read(engine, 'DROP TABLE six'))).code).toBe('READ_ONLY_VIOLATION');
    expect(await tableExists('six')).toBe(true);
  });

  it('keeps refusing DDL after a statement tried to make the session read-write', async () => {
    const single = open(sourceFor(dsn(), { pool_size: 1 }));
    await read(single, 'SET SESSION TRANSACTION READ WRITE');
    expect((await failure(read(single, 'CREATE TABLE sneaky2 (a INT)'))).code).toBe('READ_ONLY_VIOLATION');
    expect(await tableExists('sneaky2')).toBe(false);
    await read(single, '/*!SET SESSION TRANSACTION READ WRITE */'); // an executable comment is code
    expect((await failure(read(single, 'DROP TABLE six'))).code).toBe('READ_ONLY_VIOLATION');
    expect(await tableExists('six')).toBe(true);
  });

  it('resets a session that a statement changed before reusing the connection', async () => {
    const single = open(sourceFor(dsn(), { pool_size: 1, statement_timeout_ms: 500 }));
    const thread = async () => (await read(single, 'SELECT CONNECTION_ID()', { timeoutMs: 500 })).rows[0]![0];
    const before = await thread();
    await read(single, 'USE mysql', { timeoutMs: 500 });
    await read(single, 'SET SESSION max_statement_time = 0', { timeoutMs: 500 });
    await read(single, "SET @leak = 'x'", { timeoutMs: 500 });
    expect(await thread()).toBe(before); // reset, not reconnected
    expect(
      (await read(single, 'SELECT DATABASE(), @leak, @@max_statement_time, @@tx_read_only', { timeoutMs: 500 })).rows,
    ).toEqual([[DB, null, 0.5, '1']]); // @@tx_read_only is a BIGINT: a string
  });

  it('refuses SELECT ... INTO OUTFILE, which a read-only transaction lets through', async () => {
    const file = `/tmp/dba_mcp_outfile_${randomBytes(4).toString('hex')}.txt`;
    const err = await failure(read(engine, `SELECT id FROM six INTO OUTFILE '${file}'`));
    expect(err.code).toBe('READ_ONLY_VIOLATION');
    const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT LOAD_FILE(?) AS f', [file]);
    expect(rows[0]?.f).toBeNull();
  });

  it('releases a GET_LOCK taken by a read', async () => {
    const single = open(sourceFor(dsn(), { pool_size: 1 }));
    const lock = `dba_mcp_lock_${randomBytes(3).toString('hex')}`;
    expect((await read(single, 'SELECT GET_LOCK(?, 0)', { params: [lock] })).rows).toEqual([[1]]);
    await expect
      .poll(async () => (await admin.query<mysql.RowDataPacket[]>('SELECT IS_FREE_LOCK(?) AS f', [lock]))[0][0]?.f, {
        timeout: 2_000,
      })
      .toBe(1);
  });

  it('refuses two statements in one call', async () => {
    const err = await failure(read(engine, 'SELECT 1; SELECT 2'));
    expect(err.code).toBe('MULTIPLE_STATEMENTS');
    expect(err.hint).toMatch(/exactly one/);
    expect((await failure(read(engine, "SELECT 'a;b' FROM"))).code).toBe('SQL_SYNTAX');
  });

  it('points at describe_schema for a missing table', async () => {
    const err = await failure(read(engine, 'SELECT * FROM no_such_table'));
    expect(err.code).toBe('SQL_ERROR');
    expect(err.hint).toContain('describe_schema');
  });

  it('stops a statement at limits.statement_timeout_ms on the server', async () => {
    const limited = open(sourceFor(dsn(), { statement_timeout_ms: 500 }));
    const started = Date.now();
    const err = await failure(limited.runRead({ sql: 'SELECT SLEEP(5)', maxRows: 10, timeoutMs: 500 }));
    expect(err.code).toBe('QUERY_TIMEOUT');
    expect(err.hint).toContain('limits.statement_timeout_ms');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await read(limited, 'SELECT 2', { timeoutMs: 500 })).rows).toEqual([[2]]);
  });

  it('cancels a running statement on abort, kills it on the server, and stays usable', async () => {
    const marker = `cancel_${randomBytes(3).toString('hex')}`;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const err = await failure(read(engine, `SELECT SLEEP(10) AS ${marker}`, { signal: controller.signal }));
    expect(err.code).toBe('QUERY_CANCELLED');
    expect(Date.now() - started).toBeLessThan(1_500);
    await expect.poll(() => running(marker), { timeout: 2_000 }).toBe(0);
    expect((await read(engine, 'SELECT 3')).rows).toEqual([[3]]);
  });

  it('recovers when the server drops its connections', async () => {
    const single = open(sourceFor(dsn(), { pool_size: 1 }));
    const [[me]] = (await admin.query<mysql.RowDataPacket[]>('SELECT CONNECTION_ID() AS id')) as unknown as [
      [{ id: number }],
    ];
    await read(single, 'SELECT 1');
    const [rows] = await admin.query<mysql.RowDataPacket[]>(
      'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> ?',
      [DB, me.id],
    );
    for (const row of rows) await admin.query('KILL CONNECTION ?', [row.id]).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await read(single, 'SELECT 4')).rows).toEqual([[4]]);
  });

  it('fails fast with CONNECTION_FAILED when its connection is killed mid-statement, then recovers', async () => {
    const single = open(sourceFor(dsn(), { pool_size: 1 }));
    const thread = (await read(single, 'SELECT CONNECTION_ID()')).rows[0]![0] as number;
    setTimeout(() => void admin.query('KILL CONNECTION ?', [thread]).catch(() => {}), 200);
    const started = Date.now();
    expect((await failure(read(single, 'SELECT SLEEP(5)'))).code).toBe('CONNECTION_FAILED');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await read(single, 'SELECT 5')).rows).toEqual([[5]]);
  });

  it('survives the server going away and works again when it is back', async () => {
    const relay = new Relay();
    await relay.start();
    try {
      const flaky = open(sourceFor(dsn(DB, 'root', relay.port), { connect_timeout_ms: 1_000 }));
      expect((await read(flaky, 'SELECT 1')).rows).toEqual([[1]]);
      const pending = failure(read(flaky, 'SELECT SLEEP(2)'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await relay.stop(); // drops the busy connection and the idle ones alike
      expect((await pending).code).toBe('CONNECTION_FAILED');
      expect((await failure(read(flaky, 'SELECT 1'))).code).toBe('CONNECTION_FAILED');
      await relay.start();
      expect((await read(flaky, 'SELECT 6')).rows).toEqual([[6]]);
    } finally {
      await relay.stop();
    }
  });

  it('does not cache a failed serverInfo', async () => {
    const relay = new Relay();
    await relay.start();
    await relay.stop();
    const later = open(sourceFor(dsn(DB, 'root', relay.port), { connect_timeout_ms: 1_000 }));
    expect((await failure(later.serverInfo())).code).toBe('CONNECTION_FAILED');
    await relay.start();
    try {
      expect(await later.serverInfo()).toMatchObject({ variant: 'mariadb' });
    } finally {
      await relay.stop();
    }
  });

  it('lists schemas and tables', async () => {
    expect(await engine.listSchemas()).toEqual([DB]);
    const tables = await engine.listTables();
    expect(tables.map((t) => [t.name, t.kind])).toEqual([
      ['customers', 'table'],
      ['order_items', 'table'],
      ['orders', 'table'],
      ['six', 'table'],
      ['v_orders', 'view'],
      ['vals', 'table'],
      // code-point order, whatever the collation says
    ]);
    const customers = tables.find((t) => t.name === 'customers')!;
    expect(customers).toMatchObject({ schema: DB, comment: 'people who buy' });
    expect(customers.size_bytes).toBeGreaterThan(0);
    expect(typeof customers.row_estimate).toBe('number');
    expect(tables.find((t) => t.name === 'v_orders')).toMatchObject({
      row_estimate: null,
      size_bytes: null,
      comment: null,
    });
    expect(await engine.listTables({ schema: 'no_such_schema_here' })).toEqual([]);
  });

  it('describes columns, keys and indexes, in the order asked, leaving unknown names out', async () => {
    const details = await engine.describeTables([
      { schema: DB, name: 'orders' },
      { schema: DB, name: 'nope' },
      { schema: DB, name: 'customers' },
      { schema: DB, name: 'order_items' },
    ]);
    expect(details.map((d) => d.name)).toEqual(['orders', 'customers', 'order_items']);
    const [orders, customers, items] = details as [(typeof details)[0], (typeof details)[0], (typeof details)[0]];

    expect(customers.columns).toEqual([
      { name: 'id', type: 'int(11)', nullable: false, default: null, comment: null },
      { name: 'email', type: 'varchar(200)', nullable: false, default: null, comment: null },
      { name: 'name', type: 'varchar(100)', nullable: true, default: "'anon'", comment: 'display name' },
    ]);
    expect(customers.primary_key).toEqual(['id']);
    expect(customers.indexes.find((i) => i.name === 'uq_customers_email')).toEqual({
      name: 'uq_customers_email',
      columns: ['email'],
      include: [],
      unique: true,
      primary: false,
      method: 'btree',
      predicate: null,
      valid: true,
    });

    expect(orders.foreign_keys).toEqual([
      {
        name: 'fk_orders_customer',
        columns: ['customer_id'],
        references: { schema: DB, name: 'customers', columns: ['id'] },
        on_delete: 'CASCADE',
        on_update: 'RESTRICT',
      },
    ]);
    expect(orders.indexes[0]).toMatchObject({ name: 'PRIMARY', primary: true, unique: true, columns: ['id'] });
    expect(orders.indexes.find((i) => i.name === 'ix_orders_customer_created')).toMatchObject({
      columns: ['customer_id', 'created_at'],
      unique: false,
    });
    expect(orders.indexes.find((i) => i.name === 'ix_orders_status_prefix')?.columns).toEqual(['status(5)']);

    expect(items.primary_key).toEqual(['order_id', 'line']);
    expect(items.foreign_keys[0]?.references).toEqual({ schema: DB, name: 'orders', columns: ['id'] });
  });

  it('describes a view', async () => {
    const [view] = await engine.describeTables([{ schema: DB, name: 'v_orders' }]);
    expect(view).toMatchObject({ kind: 'view', primary_key: null, indexes: [], foreign_keys: [] });
    expect(view?.columns.map((c) => c.name)).toEqual(['id', 'email']);
  });

  it('reports CONNECTION_FAILED for a wrong port, and does not throw at construction', async () => {
    let down!: EngineAdapter;
    expect(() => (down = open(sourceFor(dsn(DB, 'root', 1), { connect_timeout_ms: 1_000 })))).not.toThrow();
    const err = await failure(down.serverInfo());
    expect(err.code).toBe('CONNECTION_FAILED');
    expect(err.hint).toContain('127.0.0.1:1');
    expect((await failure(read(down, 'SELECT 1'))).code).toBe('CONNECTION_FAILED');
    expect((await failure(down.listTables())).code).toBe('CONNECTION_FAILED');
  });

  it('reports AUTH_FAILED for a wrong password, without the password', async () => {
    await admin.query(`CREATE USER '${BAD_USER}'@'%' IDENTIFIED BY 'the-right-one'`);
    const wrong = open(sourceFor(dsn(DB, `${BAD_USER}:${BAD_PASSWORD}`)));
    const err = await failure(wrong.serverInfo());
    expect(err.code).toBe('AUTH_FAILED');
    expect(JSON.stringify(err.toJSON())).not.toContain(BAD_PASSWORD);
  });

  it('reports PERMISSION_DENIED for a table the user may not read, and lists only what it may', async () => {
    await admin.query(`CREATE USER '${NARROW_USER}'@'%' IDENTIFIED BY '${NARROW_PASSWORD}'`);
    await admin.query(`GRANT SELECT ON \`${DB}\`.customers TO '${NARROW_USER}'@'%'`);
    const narrow = open(sourceFor(dsn(DB, `${NARROW_USER}:${encodeURIComponent(NARROW_PASSWORD)}`)));
    expect((await read(narrow, 'SELECT COUNT(*) FROM customers')).rows).toEqual([['1']]);
    const err = await failure(read(narrow, 'SELECT * FROM six'));
    expect(err.code).toBe('PERMISSION_DENIED');
    expect(JSON.stringify(err.toJSON())).not.toContain(NARROW_PASSWORD);
    expect((await narrow.listTables()).map((t) => t.name)).toEqual(['customers']);
  });

  it('reports DATABASE_NOT_FOUND for an unknown database', async () => {
    const missing = open(sourceFor(dsn(`${DB}_missing`)));
    expect((await failure(missing.serverInfo())).code).toBe('DATABASE_NOT_FOUND');
  });
});

describe('mysql statement shape (no server needed)', () => {
  it.each([
    ['SELECT 1', 1, 'SELECT', true],
    ['SELECT 1;', 1, 'SELECT', true],
    ['SELECT \'a;b\', `c;d`, "e;f" -- x; y\n', 1, 'SELECT', true],
    ['SELECT 1; SELECT 2', 2, 'SELECT', false],
    ['/* c; */ (SELECT 1) # tail; more\n', 1, 'SELECT', true],
    ['SET SESSION TRANSACTION READ WRITE', 1, 'SET', false],
    ['/*!SET SESSION TRANSACTION READ WRITE */', 1, 'SET', false],
    ['/*!50000 SELECT 1*/', 1, 'SELECT', false],
    ["SELECT GET_LOCK('x', 0)", 1, 'SELECT', false],
    ['SELECT @a := 1', 1, 'SELECT', false],
    ['SELECT 1 INTO @a', 1, 'SELECT', false],
    ["SELECT 'it''s \\' ; x'", 1, 'SELECT', true],
  ])('%s', (sql, statements, firstWord, clean) => {
    const shape = inspectSql(sql);
    expect(shape).toMatchObject({ statements, firstWord });
    expect(leavesSessionClean(shape)).toBe(clean);
  });

  it('spots INTO OUTFILE and DUMPFILE, not INTO @var', () => {
    expect(inspectSql("SELECT * FROM t INTO OUTFILE '/tmp/x'").writesServerFile).toBe(true);
    expect(inspectSql("SELECT * FROM t INTO /* c */ dumpfile '/tmp/x'").writesServerFile).toBe(true);
    expect(inspectSql("SELECT 'INTO OUTFILE' FROM t INTO @v").writesServerFile).toBe(false);
  });
});
