/**
 * dba-mcp over stdio, end to end: the built binary, spawned the way Claude Desktop and the MCP
 * Inspector spawn it, driven by the SDK's client against the demo database and real servers.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  callError,
  callOk,
  MARIADB_DSN,
  PG_DSN,
  probeDatabase,
  runCli,
  spawnCli,
  startStdio,
  cleanupAll,
  tempDir,
  tempFile,
  waitForExit,
  type StdioServer,
} from '../helpers/e2e.js';

const DEMO_TABLES = ['customers', 'events', 'order_items', 'orders', 'products'];

interface Table {
  schema: string;
  name: string;
  kind: string;
  columns?: { name: string; type: string }[];
  indexes?: { name: string; columns: string[]; unique: boolean; primary: boolean }[];
}
interface SchemaPage {
  schemas: string[];
  tables: Table[];
  total: number;
  next_cursor: string | null;
}
interface QueryResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  row_count: number;
  truncated: boolean;
  duration_ms: number;
}
interface SourceInfo {
  id: string;
  engine: string;
  variant: string | null;
  version: string | null;
  mode: string;
  status: string;
  error?: { code: string; message: string; hint: string };
}

afterAll(cleanupAll);

// One state dir for the file: the demo database is built once (~0.5 s) and reused.
const sharedStateDir = tempDir('dba-mcp-state-');

describe('demo database (no source configured)', () => {
  let server: StdioServer;
  beforeAll(async () => {
    server = await startStdio([], {}, { stateDir: sharedStateDir });
  });
  afterAll(() => server?.close());

  it('builds the demo database in the state dir it was given', () => {
    expect(fs.readdirSync(path.join(sharedStateDir, 'demo'))).toContain('shop-v1.db');
    expect(server.stderr()).toContain(`state: ${sharedStateDir}`);
  });

  it('lists three read-only tools with object input and output schemas', async () => {
    const { tools } = await server.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of ['list_sources', 'describe_schema', 'run_query']) {
      const tool = byName.get(name);
      expect(tool, `tool ${name}`).toBeDefined();
      expect(tool!.inputSchema.type).toBe('object');
      expect(tool!.outputSchema?.type).toBe('object');
      expect(tool!.annotations?.readOnlyHint).toBe(true);
    }
    // a tool that only reads the database but writes a file or a scratch database does not claim to be read-only
    expect(byName.get('create_backup')?.annotations).toMatchObject({
      readOnlyHint: false,
      idempotentHint: false,
      destructiveHint: false,
    });
    expect(byName.get('verify_backup')?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: false });
    expect(byName.get('request_change')?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
  });

  it('list_sources shows the demo source, sqlite, read-only, ok', async () => {
    const { sources } = await callOk<{ sources: SourceInfo[] }>(server.client, 'list_sources');
    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatchObject({
      id: 'demo',
      engine: 'sqlite',
      variant: 'sqlite',
      mode: 'read-only',
      status: 'ok',
    });
    expect(sources[0]!.version).toMatch(/^3\.\d+\.\d+/);
  });

  it('describe_schema detail=names lists the five shop tables', async () => {
    const page = await callOk<SchemaPage>(server.client, 'describe_schema', { detail: 'names' });
    expect(page.tables.map((t) => t.name).sort()).toEqual(DEMO_TABLES);
    expect(page.total).toBe(5);
    expect(page.next_cursor).toBeNull();
  });

  it('describe_schema detail=full shows the duplicate indexes on orders(customer_id)', async () => {
    const page = await callOk<SchemaPage>(server.client, 'describe_schema', { detail: 'full', search: 'orders' });
    const orders = page.tables.find((t) => t.name === 'orders');
    expect(orders, 'orders table').toBeDefined();
    const onCustomer = orders!
      .indexes!.filter((i) => i.columns.length === 1 && i.columns[0] === 'customer_id')
      .map((i) => i.name);
    expect(onCustomer.sort()).toEqual(['idx_orders_customer', 'idx_orders_customer_id']);
    expect(orders!.columns!.map((c) => c.name)).toContain('customer_id');
  });

  it('describe_schema pages with next_cursor, visiting every table exactly once', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null | undefined;
    let last: SchemaPage | undefined;
    for (let i = 0; i < 10; i++) {
      last = await callOk<SchemaPage>(server.client, 'describe_schema', {
        detail: 'names',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      sizes.push(last.tables.length);
      seen.push(...last.tables.map((t) => t.name));
      cursor = last.next_cursor;
      if (i === 0) expect(cursor).toBeTypeOf('string');
      if (!cursor) break;
    }
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen.sort()).toEqual(DEMO_TABLES);
    expect(last!.next_cursor).toBeNull();
  });

  it('refuses a tampered cursor and a cursor made for other filters with INVALID_CURSOR', async () => {
    const first = await callOk<SchemaPage>(server.client, 'describe_schema', { detail: 'names', limit: 2 });
    const cursor = first.next_cursor!;
    const tampered = cursor.split('').reverse().join('');
    expect(
      (await callError(server.client, 'describe_schema', { detail: 'names', limit: 2, cursor: tampered })).code,
    ).toBe('INVALID_CURSOR');
    expect(
      (await callError(server.client, 'describe_schema', { detail: 'names', limit: 2, cursor: 'not a cursor' })).code,
    ).toBe('INVALID_CURSOR');
    const otherFilter = await callError(server.client, 'describe_schema', { detail: 'names', search: 'order', cursor });
    expect(otherFilter.code).toBe('INVALID_CURSOR');
    expect((await callError(server.client, 'describe_schema', { detail: 'summary', cursor })).code).toBe(
      'INVALID_CURSOR',
    );
  });

  it('run_query returns columns, rows, row_count and truncated', async () => {
    const count = await callOk<QueryResult>(server.client, 'run_query', { sql: 'SELECT count(*) AS n FROM orders' });
    expect(count.columns.map((c) => c.name)).toEqual(['n']);
    expect(count.rows).toEqual([[20000]]);
    expect(count.row_count).toBe(1);
    expect(count.truncated).toBe(false);
  });

  it('run_query caps rows at max_rows and says so', async () => {
    const page = await callOk<QueryResult>(server.client, 'run_query', {
      sql: 'SELECT id FROM customers ORDER BY id',
      max_rows: 10,
    });
    expect(page.rows).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1]));
    expect(page.row_count).toBe(10);
    expect(page.truncated).toBe(true);

    const exact = await callOk<QueryResult>(server.client, 'run_query', {
      sql: 'SELECT id FROM customers ORDER BY id LIMIT 10',
      max_rows: 10,
    });
    expect(exact.row_count).toBe(10);
    expect(exact.truncated).toBe(false);
  });

  it('run_query binds params', async () => {
    const r = await callOk<QueryResult>(server.client, 'run_query', {
      sql: 'SELECT id FROM customers WHERE id IN (?, ?) ORDER BY id',
      params: [7, 42],
    });
    expect(r.rows).toEqual([[7], [42]]);
  });

  it('refuses a write with READ_ONLY_VIOLATION and changes nothing', async () => {
    const err = await callError(server.client, 'run_query', { sql: 'DELETE FROM orders' });
    expect(err.code).toBe('READ_ONLY_VIOLATION');
    expect(err.hint.length).toBeGreaterThan(0);
    const after = await callOk<QueryResult>(server.client, 'run_query', { sql: 'SELECT count(*) FROM orders' });
    expect(after.rows).toEqual([[20000]]);
  });

  it('reports errors as isError results with {code, message, hint}', async () => {
    const unknownKey = await callError(server.client, 'run_query', { sql: 'SELECT 1', bogus: true });
    expect(unknownKey.code).toBe('INVALID_ARGUMENT');
    expect(unknownKey.message).toContain('bogus');

    const missingSql = await callError(server.client, 'run_query', {});
    expect(missingSql.code).toBe('INVALID_ARGUMENT');

    const badSql = await callError(server.client, 'run_query', { sql: 'SELEC nonsense' });
    expect(['SQL_SYNTAX', 'SQL_ERROR']).toContain(badSql.code);

    const noSuchSource = await callError(server.client, 'run_query', { sql: 'SELECT 1', source: 'nope' });
    expect(noSuchSource.code).toBe('INVALID_ARGUMENT'); // the source argument is an enum of the configured ids
  });

  it('lists schema and table resources and the table template', async () => {
    const { resources } = await server.client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain('dba://demo/schema');
    for (const table of DEMO_TABLES) expect(uris).toContain(`dba://demo/tables/main/${table}`);

    const { resourceTemplates } = await server.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('dba://{source}/tables/{schema}/{table}');
  });

  it('reads a table resource as JSON with columns and indexes', async () => {
    const uri = 'dba://demo/tables/main/orders';
    const { contents } = await server.client.readResource({ uri });
    expect(contents).toHaveLength(1);
    expect(contents[0]!.uri).toBe(uri);
    expect(contents[0]!.mimeType).toBe('application/json');
    const table = JSON.parse((contents[0] as { text: string }).text) as Table;
    expect(table.name).toBe('orders');
    expect(table.columns!.map((c) => c.name)).toEqual(expect.arrayContaining(['id', 'customer_id']));
    expect(table.indexes!.map((i) => i.name)).toEqual(
      expect.arrayContaining(['idx_orders_customer', 'idx_orders_customer_id']),
    );
  });

  it('reading an unknown table resource is a protocol error -32002', async () => {
    const err = await server.client.readResource({ uri: 'dba://demo/tables/main/nope' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(McpError);
    expect((err as McpError).code).toBe(-32002);
  });
});

describe('stdout carries JSON-RPC only', () => {
  it('every stdout line is a JSON-RPC 2.0 message; the start-up summary goes to stderr', async () => {
    const child = spawnCli(['--state-dir', sharedStateDir]);
    onTestFinished(() => void child.stop());
    const messages = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'run_query', arguments: { sql: 'SELECT count(*) AS n FROM products' } },
      },
    ];
    child.proc.stdin!.write(messages.map((m) => `${JSON.stringify(m)}\n`).join(''));

    // Wait for the three responses, then hang up.
    const deadline = Date.now() + 15_000;
    while (!/"id":3[,}]/.test(child.stdout()) && Date.now() < deadline && child.proc.exitCode === null)
      await new Promise((r) => setTimeout(r, 50));
    child.proc.stdin!.end();
    const exit = await waitForExit(child.proc);
    expect(exit.code).toBe(0);

    const lines = child
      .stdout()
      .split('\n')
      .filter((l) => l !== '');
    const parsed = lines.map((line) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`stdout line is not JSON: ${line}`);
      }
      expect(msg.jsonrpc, line).toBe('2.0');
      expect('result' in msg || 'error' in msg || 'method' in msg, line).toBe(true);
      return msg;
    });
    const byId = new Map(parsed.filter((m) => 'id' in m).map((m) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual([1, 2, 3]);
    expect((byId.get(1)!.result as { serverInfo: { name: string } }).serverInfo.name).toBe('dba-mcp');
    expect((byId.get(2)!.result as { tools: { name: string }[] }).tools.map((t) => t.name)).toContain('run_query');
    const call = byId.get(3)!.result as { isError?: boolean; structuredContent: { rows: unknown[][] } };
    expect(call.isError ?? false).toBe(false);
    expect(call.structuredContent.rows).toEqual([[500]]);

    expect(child.stderr()).toContain('source demo');
  });
});

// Probed once at collection: unreachable servers skip these tests locally and fail them in CI.
const probes = { postgres: await probeDatabase('postgres'), mariadb: await probeDatabase('mariadb') };

describe.each([
  { name: 'PostgreSQL', kind: 'postgres' as const, dsn: PG_DSN, variant: 'postgresql' },
  { name: 'MariaDB', kind: 'mariadb' as const, dsn: MARIADB_DSN, variant: 'mariadb' },
])('$name', ({ kind, dsn, variant }) => {
  const probe = probes[kind];
  describe.skipIf(probe.skip)(`--dsn ${dsn}`, () => {
    let server: StdioServer;
    beforeAll(async () => {
      probe.assertReachable();
      server = await startStdio(['--dsn', dsn], {}, { stateDir: sharedStateDir });
    });
    afterAll(() => server?.close());

    it('list_sources reports the detected variant and version', async () => {
      const { sources } = await callOk<{ sources: SourceInfo[] }>(server.client, 'list_sources');
      expect(sources).toHaveLength(1);
      const [source] = sources;
      expect(source, JSON.stringify(source?.error)).toMatchObject({
        id: 'test',
        status: 'ok',
        mode: 'read-only',
        variant,
      });
      expect(source!.version).toMatch(/^\d+\.\d+/);
      // The version the server itself reports (e.g. "15.8 (Debian ...)", "10.11.6-MariaDB-...") starts with it.
      expect(probe.version!.startsWith(source!.version!), `${probe.version} vs ${source!.version}`).toBe(true);
    });

    it('run_query SELECT 1 returns [[1]]', async () => {
      const r = await callOk<QueryResult>(server.client, 'run_query', { sql: 'SELECT 1 AS one' });
      expect(r.columns.map((c) => c.name)).toEqual(['one']);
      expect(r.rows).toEqual([[1]]);
      expect(r.truncated).toBe(false);
    });

    if (kind === 'postgres') {
      it('bigint and numeric come back as exact strings', async () => {
        const r = await callOk<QueryResult>(server.client, 'run_query', {
          sql: 'SELECT 9007199254740993::bigint AS big, 1.10::numeric AS n',
        });
        expect(r.rows).toEqual([['9007199254740993', '1.10']]);
      });
    }
  });
});

describe('a source that is down', () => {
  let server: StdioServer;
  beforeAll(async () => {
    const dir = tempDir();
    const file = path.join(dir, 'small.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x INTEGER PRIMARY KEY); INSERT INTO t (x) VALUES (1), (2), (3);');
    db.close();
    const config = tempFile(
      'config.yaml',
      [
        'sources:',
        `  - id: small`,
        `    dsn: 'sqlite://${file}'`,
        '  - id: down',
        "    dsn: 'postgres://postgres@127.0.0.1:1/test'",
        '    limits: { connect_timeout_ms: 1000 }',
        '',
      ].join('\n'),
    );
    server = await startStdio(['--config', config], {}, { stateDir: sharedStateDir });
  });
  afterAll(() => server?.close());

  it('list_sources shows it unreachable with CONNECTION_FAILED, the other ok', async () => {
    const { sources } = await callOk<{ sources: SourceInfo[] }>(server.client, 'list_sources');
    const byId = Object.fromEntries(sources.map((s) => [s.id, s]));
    expect(byId.small).toMatchObject({ status: 'ok', variant: 'sqlite' });
    expect(byId.down).toMatchObject({ status: 'unreachable', variant: null, version: null, engine: 'postgres' });
    expect(byId.down!.error?.code).toBe('CONNECTION_FAILED');
  });

  it('run_query on it fails fast with CONNECTION_FAILED and a hint; the server stays up', async () => {
    const started = Date.now();
    const err = await callError(server.client, 'run_query', { source: 'down', sql: 'SELECT 1' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err.code).toBe('CONNECTION_FAILED');
    expect(err.hint.length).toBeGreaterThan(0);

    const ok = await callOk<QueryResult>(server.client, 'run_query', {
      source: 'small',
      sql: 'SELECT count(*) AS n, sum(x) AS s FROM t',
    });
    expect(ok.rows).toEqual([[3, 6]]);
  });

  it('a call without source is SOURCE_REQUIRED when there are several', async () => {
    const err = await callError(server.client, 'run_query', { sql: 'SELECT 1' });
    expect(err.code).toBe('SOURCE_REQUIRED');
    expect(err.hint).toContain('small');
    expect(err.hint).toContain('down');
  });
});

describe('config errors', () => {
  it('a misspelled key exits 2, naming the path and the right key', async () => {
    const config = tempFile('typo.yaml', "sources: [{id: a, dsn: 'sqlite:///tmp/x.db', mdoe: read-write}]\n");
    const r = await runCli(['--config', config, '--state-dir', sharedStateDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sources[0].mdoe');
    expect(r.stderr).toMatch(/did you mean "mode"/);
    expect(r.stdout).toBe('');
  });

  it('a missing ${VAR} in a dsn exits 2, naming the variable', async () => {
    const name = `DBA_MCP_E2E_MISSING_${randomUUID().slice(0, 8).toUpperCase()}`;
    const config = tempFile('env.yaml', `sources:\n  - id: a\n    dsn: 'postgres://u:\${${name}}@127.0.0.1:1/x'\n`);
    const r = await runCli(['--config', config, '--state-dir', sharedStateDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(name);
    expect(r.stderr).toContain('sources[0].dsn');
  });

  it('never prints a DSN password: not at start-up, not when the source fails, not in a bad DSN', async () => {
    const secret = 's3cretpw';
    const server = await startStdio(
      ['--dsn', `postgres://u:${secret}@127.0.0.1:1/x`],
      {},
      { stateDir: sharedStateDir },
    );
    const { sources } = await callOk<{ sources: SourceInfo[] }>(server.client, 'list_sources');
    expect(sources[0]!.status).toBe('unreachable');
    expect(JSON.stringify(sources)).not.toContain(secret);
    const err = await callError(server.client, 'run_query', { sql: 'SELECT 1' });
    expect(JSON.stringify(err)).not.toContain(secret);
    await expect.poll(() => server.stderr(), { timeout: 5_000 }).toMatch(/unreachable/); // the background connect has reported
    await server.close();
    expect(server.stderr()).toContain('source x:');
    expect(server.stderr()).not.toContain(secret);

    const bad = await runCli(['--dsn', `bogus://u:${secret}@127.0.0.1/x`, '--state-dir', sharedStateDir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unsupported DSN');
    expect(bad.stderr).not.toContain(secret);
  });

  it('an unknown flag exits 2 with usage advice', async () => {
    const r = await runCli(['--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--help');
  });
});

describe('shutdown', () => {
  it('SIGTERM exits with code 0 promptly', async () => {
    const child = spawnCli(['--state-dir', sharedStateDir]);
    onTestFinished(() => void child.stop()); // also when an assertion fails
    await child.waitForStderr(/listening on stdio/);
    const started = Date.now();
    child.proc.kill('SIGTERM');
    const exit = await waitForExit(child.proc, 5_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('closing stdin ends the process with code 0', async () => {
    const child = spawnCli(['--state-dir', sharedStateDir]);
    onTestFinished(() => void child.stop()); // also when an assertion fails
    await child.waitForStderr(/listening on stdio/);
    child.proc.stdin!.end();
    const exit = await waitForExit(child.proc, 5_000);
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
