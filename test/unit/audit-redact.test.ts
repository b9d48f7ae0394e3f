/** Secrets and (when configured) SQL literals never reach the log. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareRecord, type RedactOptions } from '../../src/audit/record.js';
import { redactArgs, scrubSecrets } from '../../src/core/redact.js';
import { configSummary } from '../../src/audit/setup.js';
import { loadConfig } from '../../src/config/load.js';
import { auditTempDir, openTestSink, removeAuditTempDirs, toolEntry } from '../helpers/audit.js';

afterEach(removeAuditTempDirs);

const SECRET = 'hunter2-s3cr3t';
const opts = (redactLiterals: boolean, engine: 'postgres' | 'sqlite' | 'mysql' = 'postgres'): RedactOptions => ({
  redactLiterals,
  engineOf: () => engine,
});

describe('secrets in arguments', () => {
  it('replaces values under secret keys at any depth, and DSN passwords anywhere', () => {
    const out = redactArgs({
      password: SECRET,
      nested: { api_key: SECRET, Authorization: `Bearer ${SECRET}`, auth_token: SECRET, list: [{ secret: SECRET }] },
      dsn: `postgres://app:${SECRET}@db:5432/shop`,
      target: `mysql://root:${SECRET}@127.0.0.1:3306/test`,
      note: `copy from postgresql://u:${SECRET}@h/db please`,
      keep: 'SELECT 1',
    });
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(out.keep).toBe('SELECT 1');
    expect(out.target).toBe('mysql://root:***@127.0.0.1:3306/test');
    expect(out.note).toBe('copy from postgresql://u:***@h/db please');
    expect(out.password).toBe('[redacted]');
  });

  it('replaces password literals in SQL and connection strings', () => {
    for (const sql of [
      `ALTER ROLE app PASSWORD '${SECRET}'`,
      `CREATE ROLE app LOGIN ENCRYPTED PASSWORD '${SECRET}' VALID UNTIL 'infinity'`,
      `CREATE USER 'app'@'%' IDENTIFIED BY '${SECRET}'`,
      `ALTER USER app IDENTIFIED WITH mysql_native_password BY '${SECRET}'`,
      `SELECT dblink_connect('host=db password=${SECRET} dbname=shop')`,
      `SET PASSWORD = '${SECRET}'`,
    ]) {
      const out = scrubSecrets(sql);
      expect(out, sql).not.toContain(SECRET);
      expect(out, sql).toContain('[redacted]');
    }
    expect(scrubSecrets("SELECT 'password' AS word")).toBe("SELECT 'password' AS word");
  });

  it('a DSN with a password in a call never appears in the file', async () => {
    const file = path.join(auditTempDir(), 'audit.jsonl');
    const { sink } = await openTestSink(file);
    await sink.record(
      toolEntry(1, {
        args: {
          sql: `SELECT dblink('postgres://u:${SECRET}@h/db', 'x')`,
          conn: `postgres://u:${SECRET}@h/db`,
          password: SECRET,
        },
      }),
    );
    await sink.record({
      kind: 'server',
      name: 'config',
      outcome: 'ok',
      durationMs: 0,
      details: { auth_token: SECRET, url: `mariadb://r:${SECRET}@h/x` },
    });
    await sink.close();
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).toContain('postgres://u:***@h/db');
  });

  it('guard hints are left out of the verdicts; the decision and reason stay', async () => {
    const body = await prepareRecord(
      toolEntry(1, {
        verdicts: [
          {
            guard: 'statement',
            decision: 'deny',
            reason: 'DELETE changes data',
            code: 'READ_ONLY_VIOLATION',
            hint: 'long advice',
          },
        ],
      }),
      opts(false),
    );
    expect(body.verdicts).toEqual([
      { guard: 'statement', decision: 'deny', reason: 'DELETE changes data', code: 'READ_ONLY_VIOLATION' },
    ]);
  });
});

describe('SQL text and fingerprints', () => {
  const sql = "SELECT * FROM customers WHERE email = 'alice@example.com' AND id = 42";
  const other = "SELECT * FROM customers WHERE email = 'bob@example.com' AND id = 7";

  it('records the SQL as sent, with a 16-hex fingerprint shared by the same statement with other literals', async () => {
    for (const engine of ['postgres', 'sqlite', 'mysql'] as const) {
      const a = await prepareRecord(toolEntry(1, { args: { sql } }), opts(false, engine));
      const b = await prepareRecord(toolEntry(2, { args: { sql: other } }), opts(false, engine));
      expect(a.sql).toBe(sql);
      expect(a.args).not.toHaveProperty('sql', expect.anything()); // the same text is not written twice
      expect(a.sql_fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(b.sql_fingerprint, engine).toBe(a.sql_fingerprint);
      const c = await prepareRecord(
        toolEntry(3, { args: { sql: 'SELECT * FROM orders WHERE id = 42' } }),
        opts(false, engine),
      );
      expect(c.sql_fingerprint).not.toBe(a.sql_fingerprint);
    }
  });

  it('redact_literals on PostgreSQL: placeholders from the real parser, in sql and args.sql; params redacted', async () => {
    const r = await prepareRecord(
      toolEntry(1, { args: { sql, params: ['alice@example.com'] } }),
      opts(true, 'postgres'),
    );
    expect(r.sql).toBe('SELECT * FROM customers WHERE email = $1 AND id = $2');
    expect(r.args?.params).toEqual(['[redacted]']);
    expect(r.args?.sql).toBeUndefined();
    expect(JSON.stringify(r)).not.toContain('alice');
  });

  it('redact_literals on PostgreSQL with unparseable SQL fails closed: no text', async () => {
    const r = await prepareRecord(toolEntry(1, { args: { sql: "SELEC 'alice' FROM" } }), opts(true, 'postgres'));
    expect(r.sql).toBe('[sql redacted: 18 chars]');
    expect(JSON.stringify(r)).not.toContain('alice');
  });

  it('redact_literals on PostgreSQL: a text the parser stops inside a literal leaves no trace of it (normalizeSync answers with the error text)', async () => {
    const r = await prepareRecord(
      toolEntry(1, {
        args: { sql: "select 'alice-unterminated" },
        verdicts: [
          {
            guard: 'statement',
            decision: 'deny',
            code: 'SQL_SYNTAX',
            reason: 'unterminated quoted string at or near "\'alice-unterminated"',
          },
        ],
      }),
      opts(true, 'postgres'),
    );
    expect(r.sql).toBe('[sql redacted: 26 chars]');
    expect(r.verdicts).toEqual([{ guard: 'statement', decision: 'deny', code: 'SQL_SYNTAX' }]);
    expect(JSON.stringify(r)).not.toContain('alice');
  });

  it('redact_literals: constants the normalizer leaves (PostgreSQL DDL), propose_index queries and malformed arguments keep no literal', async () => {
    const ddl = await prepareRecord(
      toolEntry(1, { args: { sql: "ALTER TABLE users ADD COLUMN c2 text DEFAULT 'alice-ddl'" } }),
      opts(true, 'postgres'),
    );
    expect(ddl.sql).toMatch(/^\[sql redacted: \d+ chars\]$/);
    const queries = await prepareRecord(
      toolEntry(1, { name: 'propose_index', args: { queries: ["SELECT * FROM u WHERE email = 'alice-q'", 42] } }),
      opts(true, 'postgres'),
    );
    expect(queries.args?.queries).toEqual(['SELECT * FROM u WHERE email = $1', '[redacted]']);
    const malformed = await prepareRecord(
      toolEntry(1, { args: { sql: ["SELECT 'alice-arr'"], params: 'alice-p', queries: 'alice-qs' } }),
      opts(true, 'mysql'),
    );
    expect(JSON.stringify([ddl, queries, malformed])).not.toContain('alice');
  });

  it('redact_literals on SQLite and MySQL (no normalizer yet) fails closed: length and fingerprint only', async () => {
    for (const engine of ['sqlite', 'mysql'] as const) {
      const r = await prepareRecord(toolEntry(1, { args: { sql } }), opts(true, engine));
      expect(r.sql).toBe(`[sql redacted: ${sql.length} chars]`);
      expect(JSON.stringify(r)).not.toContain('alice');
      expect(r.sql_fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('args.sql that differs from the statement recorded (entry.sql) is kept, redacted the same way', async () => {
    const r = await prepareRecord(
      toolEntry(1, { sql: 'SELECT 1 /* rewritten */', args: { sql: "SELECT 'alice'" } }),
      opts(true, 'sqlite'),
    );
    expect(r.sql).toBe('[sql redacted: 24 chars]');
    expect(r.args?.sql).toBe('[sql redacted: 14 chars]');
  });

  it('PostgreSQL dollar quotes are literals for the fingerprint; $1 placeholders are not', async () => {
    const fp = async (text: string) =>
      (await prepareRecord(toolEntry(1, { args: { sql: text } }), opts(false, 'postgres'))).sql_fingerprint;
    expect(await fp("SELECT $$it's a$$ || $1")).toBe(await fp('SELECT $tag$b$tag$ || $1'));
    expect(await fp('SELECT $1')).not.toBe(await fp('SELECT $2'));
  });

  it('MySQL double-quoted strings are literals for the fingerprint; in SQLite they are names', async () => {
    const fp = async (text: string, engine: 'mysql' | 'sqlite') =>
      (await prepareRecord(toolEntry(1, { args: { sql: text } }), opts(false, engine))).sql_fingerprint;
    expect(await fp('SELECT * FROM t WHERE a = "x"', 'mysql')).toBe(await fp('SELECT * FROM t WHERE a = "y"', 'mysql'));
    expect(await fp('SELECT "x" FROM t', 'sqlite')).not.toBe(await fp('SELECT "y" FROM t', 'sqlite'));
  });
});

describe('the config summary of the config record', () => {
  it('holds the effective config without DSN passwords or the HTTP token', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-audit-cfg-'));
    const file = path.join(dir, 'c.yaml');
    fs.writeFileSync(
      file,
      'sources:\n  - id: shop\n    dsn: postgres://app:${PW}@db:5432/shop?sslpassword=${PW}\ntransport:\n  auth_token: ${TOKEN}\naudit:\n  redact_literals: true\n',
    );
    const loaded = loadConfig({ config: file }, { PW: SECRET, TOKEN: `${SECRET}-token-xyz` });
    const summary = configSummary(loaded);
    const text = JSON.stringify(summary);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('postgres://app:***@db:5432/shop');
    expect(summary).toMatchObject({
      audit: { redact_literals: true, max_file_mb: 64, path: path.join(loaded.stateDir, 'audit', 'audit.jsonl') },
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
