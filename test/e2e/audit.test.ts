/**
 * The audit log end to end: the built binary over stdio with the SDK client, then the
 * `dba-mcp audit` commands on what it wrote. Tampering, kill -9 and a full disk are real.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callTool,
  cleanupAll,
  runCli,
  spawnCli,
  startStdio,
  tempDir,
  tempFile,
  toolError,
  waitForExit,
} from '../helpers/e2e.js';

afterAll(cleanupAll);

interface Rec {
  seq: number;
  kind: string;
  name: string;
  request_id?: string;
  outcome: string;
  error_code?: string;
  sql?: string;
  details?: Record<string, unknown>;
}

const logOf = (stateDir: string) => path.join(stateDir, 'audit', 'audit.jsonl');
const readLog = (stateDir: string): Rec[] =>
  fs
    .readFileSync(logOf(stateDir), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Rec);
const audit = (...args: string[]) => runCli(['audit', ...args]);

/** A small SQLite file, so a server can run under a tight file-size limit (the demo is MBs). */
function smallDb(): string {
  const file = path.join(tempDir(), 'small.db');
  const db = new Database(file);
  db.exec(
    "CREATE TABLE t (x INTEGER PRIMARY KEY, label TEXT); INSERT INTO t (x, label) VALUES (1, 'a'), (2, 'b'), (3, 'c');",
  );
  db.close();
  return file;
}

describe('N calls over a real MCP client, some refused', () => {
  const SECRET = 'e2e-s3cret-pw';
  let stateDir: string;
  let toolCalls = 0;
  beforeAll(async () => {
    const server = await startStdio([
      '--dsn',
      `sqlite://${smallDb()}`,
      '--dsn',
      `postgres://app:${SECRET}@127.0.0.1:1/x`,
    ]);
    stateDir = server.stateDir;
    const c = server.client;
    const calls: [string, Record<string, unknown>][] = [
      ['list_sources', {}],
      ['run_query', { source: 'small', sql: 'SELECT count(*) AS n FROM t' }],
      ['run_query', { source: 'small', sql: 'DELETE FROM t' }], // refused: read-only
      ['run_query', { source: 'nope', sql: 'SELECT 1' }], // refused: unknown source
      ['run_query', { source: 'small', sql: 'SELEC oops' }], // refused: syntax
      ['run_query', { source: 'small', sql: `SELECT 'postgres://u:${SECRET}@h/db' AS dsn` }],
      ['describe_schema', { source: 'small', detail: 'names' }],
      ['run_query', { source: 'small', sql: 'SELECT label FROM t WHERE x = ?', params: [2] }],
    ];
    for (const [name, args] of calls) await callTool(c, name, args);
    await expect(callTool(c, 'drop_everything', {})).rejects.toThrow(/unknown tool/); // a protocol error, recorded all the same
    toolCalls = calls.length + 1;
    await c.readResource({ uri: 'dba://audit/recent' });
    await server.close();
  });

  it('writes exactly one record per tool call, plus start, config, the resource read and stop', () => {
    const log = readLog(stateDir);
    const tools = log.filter((r) => r.kind === 'tool');
    expect(tools).toHaveLength(toolCalls);
    expect(new Set(tools.map((r) => r.request_id)).size).toBe(toolCalls);
    expect(log.filter((r) => r.kind === 'server').map((r) => r.name)).toEqual(['start', 'config', 'stop']);
    expect(log.filter((r) => r.kind === 'resource').map((r) => r.name)).toEqual(['dba://audit/recent']);
    expect(log.map((r) => r.seq)).toEqual(log.map((_, i) => i + 1));
    const outcomes = tools.map((r) => `${r.outcome}${r.error_code ? ` ${r.error_code}` : ''}`);
    expect(outcomes.filter((o) => o !== 'ok')).toHaveLength(4);
    expect(tools.at(-1)).toMatchObject({ name: 'drop_everything', outcome: 'error', error_code: 'UNKNOWN_TOOL' });
    expect(outcomes[2]).toMatch(/^(error|denied) (READ_ONLY_VIOLATION|STATEMENT_NOT_ALLOWED)$/);
    expect(outcomes[3]).toBe('error INVALID_ARGUMENT');
    expect(outcomes[4]).toMatch(/^(error|denied) SQL_SYNTAX$/);
  });

  it('never writes a DSN password, from the config or from a call', () => {
    const text = fs.readFileSync(logOf(stateDir), 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).toContain('postgres://app:***@127.0.0.1:1/x');
  });

  it('audit verify passes: exit 0 and a summary', async () => {
    const n = readLog(stateDir).length;
    const r = await audit('verify', '--state-dir', stateDir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^ok: ${n} records in 1 file, seq 1\\.\\.${n}, last at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\n  last hash [0-9a-f]{64}`,
      ),
    );
  });

  it('one edited byte of one record: exit 1, naming that record', async () => {
    const dir = tempDir();
    fs.cpSync(stateDir, dir, { recursive: true });
    const file = logOf(dir);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('DELETE FROM t'));
    lines[at] = lines[at]!.replace('DELETE FROM t', 'DELETE FROM u');
    fs.writeFileSync(file, lines.join('\n'));
    const r = await audit('verify', '--state-dir', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`TAMPERED: record seq ${at + 1} (audit.jsonl line ${at + 1}): hash mismatch (edited)`);
  });

  it('one deleted line: exit 1, naming the record after the gap', async () => {
    const dir = tempDir();
    fs.cpSync(stateDir, dir, { recursive: true });
    const file = logOf(dir);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.splice(5, 1); // seq 6
    fs.writeFileSync(file, lines.join('\n'));
    const r = await audit('verify', logOf(dir));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'TAMPERED: record seq 7 (audit.jsonl line 6): seq gap after 5: records 6..6 are missing (deleted)',
    );
  });

  it('audit tail --json prints the latest records as JSON lines; without --json one readable line each', async () => {
    const json = await audit('tail', '-n', '3', '--json', '--state-dir', stateDir);
    expect(json.code).toBe(0);
    const tail = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Rec);
    const n = readLog(stateDir).length;
    expect(tail.map((r) => r.seq)).toEqual([n - 2, n - 1, n]);
    expect(tail.at(-1)!.name).toBe('stop');
    const human = await audit('tail', '--state-dir', stateDir);
    expect(human.stdout).toMatch(/^\S+Z {2}#1 {2}server start {2}- {2}ok {2}pid=\d+/);
    expect(human.stdout).toMatch(
      /#\d+ {2}run_query {2}small {2}ok {2}1 rows {2}[\d.]+ ms {2}client=dba-mcp-e2e {2}"SELECT count\(\*\) AS n FROM t"/,
    );
  });

  it('audit search --tool run_query --outcome error finds exactly the failed queries', async () => {
    const expected = readLog(stateDir).filter(
      (x) => x.kind === 'tool' && x.name === 'run_query' && x.outcome === 'error',
    );
    expect(expected.length).toBeGreaterThanOrEqual(1); // the unknown source (DELETE and bad syntax may be guard denials)
    const r = await audit('search', '--tool', 'run_query', '--outcome', 'error', '--json', '--state-dir', stateDir);
    expect(r.code).toBe(0);
    const found = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Rec);
    expect(found.map((x) => x.seq)).toEqual(expected.map((x) => x.seq));
    const human = await audit('search', '--tool', 'run_query', '--outcome', 'error', '--state-dir', stateDir);
    expect(human.stdout.trim().split('\n')).toHaveLength(expected.length);
    for (const line of human.stdout.trim().split('\n'))
      expect(line).toMatch(/ {2}#\d+ {2}run_query {2}\S+ {2}error [A-Z_]+ {2}/);
    const denials = readLog(stateDir).filter((x) =>
      (x as { verdicts?: { decision: string }[] }).verdicts?.some((v) => v.decision === 'deny'),
    );
    const byVerdict = await audit('search', '--verdict', 'deny', '--json', '--state-dir', stateDir);
    expect(
      byVerdict.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as Rec).seq),
    ).toEqual(denials.map((x) => x.seq));
    const none = await audit('search', '--since', '2999-01-01', '--state-dir', stateDir);
    expect(none).toMatchObject({ code: 0, stdout: '' });
    const bad = await audit('search', '--outcome', 'maybe', '--state-dir', stateDir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--outcome is one of ok, error, denied');
  });
});

describe('dba://audit/recent', () => {
  it('is listed, and reads the latest records with the state of the log', async () => {
    const server = await startStdio(['--dsn', `sqlite://${smallDb()}`]);
    await callTool(server.client, 'run_query', { sql: 'SELECT 1 AS one' });
    const { resources } = await server.client.listResources();
    expect(resources.map((r) => r.uri)).toContain('dba://audit/recent');
    const read = await server.client.readResource({ uri: 'dba://audit/recent' });
    const body = JSON.parse((read.contents[0] as { text: string }).text) as {
      status: { state: string };
      records: Rec[];
    };
    expect(body.status.state).toBe('ok');
    expect(body.records.map((r) => r.name)).toEqual(['start', 'config', 'run_query']);
    await server.close();
  });
});

describe('audit tail --follow', () => {
  it('prints records as the server writes them', async () => {
    const server = await startStdio(['--dsn', `sqlite://${smallDb()}`]);
    const tail = spawnCli(['audit', 'tail', '--follow', '-n', '1', '--state-dir', server.stateDir]);
    await expect.poll(() => tail.stdout(), { timeout: 5_000 }).toMatch(/server config/);
    await callTool(server.client, 'run_query', { sql: 'SELECT 42 AS answer' });
    await expect
      .poll(() => tail.stdout(), { timeout: 5_000 })
      .toMatch(/run_query {2}small {2}ok {2}1 rows .*"SELECT 42 AS answer"/);
    await tail.stop();
    await server.close();
  });
});

/** Raw JSON-RPC over the child's stdio, to know exactly which request ids were answered. */
function rpc(child: ReturnType<typeof spawnCli>) {
  const answered = new Set<number>();
  const waiters = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let buffer = '';
  child.proc.stdout!.on('data', (chunk: string) => {
    const lines = (buffer + chunk).split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      const { id } = JSON.parse(line) as { id?: unknown };
      if (typeof id !== 'number') continue;
      answered.add(id);
      waiters.get(id)?.resolve();
    }
  });
  let exited = false;
  child.proc.once('exit', () => {
    exited = true;
    waiters.forEach((w) => w.reject(new Error('the server is gone')));
  });
  const send = (msg: object) => child.proc.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', ...msg })}\n`);
  const request = (id: number, method: string, params: object) =>
    new Promise<void>((resolve, reject) => {
      if (exited) return reject(new Error('the server is gone'));
      waiters.set(id, { resolve, reject });
      send({ id, method, params });
    }).finally(() => waiters.delete(id));
  return { answered, send, request };
}

describe('kill -9 in the middle of a stream of calls', () => {
  it('leaves a log that verifies, holding every call the client saw answered; a restart continues the chain', async () => {
    const stateDir = tempDir('dba-mcp-state-');
    const child = spawnCli(['--dsn', `sqlite://${smallDb()}`, '--state-dir', stateDir]);
    const { answered, send, request } = rpc(child);
    await request(0, 'initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'kill9', version: '0' },
    });
    send({ method: 'notifications/initialized' });
    setTimeout(() => child.proc.kill('SIGKILL'), 400 + Math.random() * 400);
    let sent = 0;
    try {
      for (let id = 1; ; id++) {
        sent = id;
        await request(id, 'tools/call', {
          name: 'run_query',
          arguments: { sql: `SELECT ${id} AS n, count(*) FROM t` },
        });
      }
    } catch {
      /* killed mid-stream */
    }
    expect(await waitForExit(child.proc)).toMatchObject({ signal: 'SIGKILL' });
    const answeredCalls = [...answered].filter((id) => id > 0);
    expect(answeredCalls.length).toBeGreaterThan(10);
    expect(sent).toBeGreaterThan(answeredCalls.length); // one call was in flight

    const r = await audit('verify', '--state-dir', stateDir);
    expect(r.stdout).toMatch(/^ok: /);
    expect(r.code).toBe(0);
    const recorded = new Set(
      readLog(stateDir)
        .filter((x) => x.kind === 'tool')
        .map((x) => Number(x.request_id)),
    );
    expect(answeredCalls.filter((id) => !recorded.has(id))).toEqual([]);
    expect(readLog(stateDir).some((x) => x.name === 'stop')).toBe(false);

    const again = await startStdio(['--dsn', `sqlite://${smallDb()}`], {}, { stateDir }); // the stale lock is taken over
    await callTool(again.client, 'list_sources');
    await again.close();
    expect((await audit('verify', '--state-dir', stateDir)).code).toBe(0);
    expect(
      readLog(stateDir)
        .filter((x) => x.kind === 'server')
        .map((x) => x.name)
        .slice(-3),
    ).toEqual(['start', 'config', 'stop']);
  });
});

describe('fail closed', () => {
  it('an audit path that cannot be written: the server stays up and every call is refused with AUDIT_UNAVAILABLE', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'blocker'), 'a file where the audit folder should be');
    const config = tempFile('c.yaml', `audit:\n  path: ${path.join(dir, 'blocker', 'audit.jsonl')}\n`);
    const server = await startStdio(['--config', config, '--dsn', `sqlite://${smallDb()}`]);
    expect(server.stderr()).toMatch(/audit: cannot write the audit log .*blocker\/audit\.jsonl \((ENOTDIR|EEXIST)/);
    for (let i = 0; i < 3; i++) {
      const err = toolError(await callTool(server.client, 'run_query', { sql: 'SELECT 1' }));
      expect(err.code).toBe('AUDIT_UNAVAILABLE');
      expect(err.hint).toContain('blocker/audit.jsonl');
    }
    await expect(server.client.readResource({ uri: 'dba://small/schema' })).rejects.toThrow(/AUDIT_UNAVAILABLE/);
    expect(server.stderr().match(/cannot write the audit log/g)).toHaveLength(1); // reported once
    expect((await server.client.listTools()).tools.length).toBeGreaterThan(0); // still serving
    await server.close();
  });

  const prlimit = spawnSync('prlimit', ['--version']).status === 0;

  it('a file-size limit hit mid-stream (a real short write): that call is refused, the log still verifies, and it recovers', async () => {
    const stateDir = tempDir('dba-mcp-state-');
    const server = await startStdio(['--dsn', `sqlite://${smallDb()}`], {}, { stateDir, shell: 'ulimit -S -f 24' }); // 24 KiB per file (soft: prlimit can lift it)
    const answeredOk: string[] = [];
    let refused: ReturnType<typeof toolError> | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const result = await callTool(server.client, 'run_query', {
        sql: `SELECT ${i} AS n, 'padding padding padding padding' AS p`,
      });
      if (result.isError) refused = toolError(result);
      else answeredOk.push(String(i));
    }
    expect(refused?.code).toBe('AUDIT_UNAVAILABLE');
    expect(refused?.message).toMatch(/EFBIG|ENOSPC/);
    expect(toolError(await callTool(server.client, 'list_sources')).code).toBe('AUDIT_UNAVAILABLE');
    expect((await audit('verify', '--state-dir', stateDir)).code).toBe(0); // no torn line left behind
    const sqls = new Set(readLog(stateDir).map((x) => x.sql));
    expect(answeredOk.filter((i) => !sqls.has(`SELECT ${i} AS n, 'padding padding padding padding' AS p`))).toEqual([]);

    if (prlimit) {
      expect(spawnSync('prlimit', ['--pid', String(server.transport.pid), '--fsize=unlimited:unlimited']).status).toBe(
        0,
      );
      await new Promise((r) => setTimeout(r, 600));
      expect((await callTool(server.client, 'list_sources')).isError ?? false).toBe(false);
      const names = readLog(stateDir).map((x) => x.name);
      expect(names.slice(-2)).toEqual(['audit_recovered', 'list_sources']);
      expect((await audit('verify', '--state-dir', stateDir)).code).toBe(0);
      expect(server.stderr()).toMatch(/writable again; 1 call was refused during the outage/); // list_sources
    }
    await server.close();
  });
});

describe('one writer per log', () => {
  it('a second server on the same state dir refuses calls while the first runs, and takes over when it stops', async () => {
    const stateDir = tempDir('dba-mcp-state-');
    const db = smallDb();
    const first = await startStdio(['--dsn', `sqlite://${db}`], {}, { stateDir });
    const second = await startStdio(['--dsn', `sqlite://${db}`], {}, { stateDir });
    expect(second.stderr()).toMatch(/another dba-mcp process \(pid \d+\) is writing this audit log/);
    expect(toolError(await callTool(second.client, 'list_sources')).code).toBe('AUDIT_UNAVAILABLE');
    await callTool(first.client, 'list_sources');
    await first.close();
    await new Promise((r) => setTimeout(r, 600));
    expect((await callTool(second.client, 'list_sources')).isError ?? false).toBe(false);
    await second.close();
    const r = await audit('verify', '--state-dir', stateDir);
    expect(r.code).toBe(0);
    const names = readLog(stateDir).map((x) => x.name);
    expect(names).toEqual([
      'start',
      'config',
      'list_sources',
      'stop',
      'start',
      'config',
      'audit_recovered',
      'list_sources',
      'stop',
    ]);
  }, 20_000);
});

describe('audit command usage', () => {
  it('exit 2 with a message when there is no log, or for a bad subcommand', async () => {
    const r = await audit('verify', '--state-dir', tempDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no audit log at');
    const bad = await audit('frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
    expect((await audit('--help')).stdout).toContain('dba-mcp audit verify');
  });

  it('the server still rejects unknown flags (audit is dispatched first, nothing else changed)', async () => {
    const r = await runCli(['--audit']);
    expect(r.code).toBe(2);
  });
});
