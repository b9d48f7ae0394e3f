/**
 * End-to-end helpers: spawn the BUILT binary (dist/cli.js) the way MCP clients do, over stdio
 * or streamable HTTP, each with its own temporary state directory, and make sure every process
 * started here dies when the test file is done: call `cleanupAll` in the file's afterAll
 * (and `stopAll` in an afterEach where a test spawns its own processes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { expect } from 'vitest';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

export const PG_DSN = 'postgres://postgres@127.0.0.1:5432/test';
export const MARIADB_DSN = 'mysql://root@127.0.0.1:3306/test';

if (!fs.existsSync(CLI)) {
  throw new Error(`${CLI} does not exist: build first (npm run build, or npm test which builds)`);
}

// ---------------------------------------------------------------------------------------------
// Bookkeeping: every child and temp dir is registered, and stopAll() ends/removes them all.
// ---------------------------------------------------------------------------------------------

const cleanups = new Set<() => Promise<void>>();
const tempDirs = new Set<string>();
const livePids = new Set<number>();

function register(cleanup: () => Promise<void>): () => Promise<void> {
  const once = async () => {
    if (!cleanups.delete(once)) return;
    await cleanup();
  };
  cleanups.add(once);
  return once;
}

/** Ends every process started by these helpers that still runs. Use in afterEach/afterAll. */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...cleanups].map((c) => c()));
}

/** stopAll(), then removes every temp dir made by these helpers. Use in the file's afterAll. */
export async function cleanupAll(): Promise<void> {
  await stopAll();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

// Last resort if the worker exits without running the hooks: never leave a server behind.
process.once('exit', () => {
  for (const pid of livePids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

/** A fresh directory under the OS temp dir, removed by cleanupAll(). */
export function tempDir(prefix = 'dba-mcp-e2e-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Writes `text` to a new file in a fresh temp dir and returns its path. */
export function tempFile(name: string, text: string): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, text);
  return file;
}

/** The environment of this process without any DBA_MCP_* variable, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('DBA_MCP_')) env[k] = v;
  return { ...env, ...extra };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves when the process exits; rejects after `ms`. */
export function waitForExit(proc: ChildProcess, ms = 5_000): Promise<Exit> {
  if (proc.exitCode !== null || proc.signalCode !== null)
    return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${proc.pid} did not exit within ${ms} ms`)), ms);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** SIGTERM, then SIGKILL if it does not exit in time. Returns how it ended. */
async function terminate(proc: ChildProcess, graceMs = 5_000): Promise<Exit> {
  if (proc.exitCode !== null || proc.signalCode !== null) return { code: proc.exitCode, signal: proc.signalCode };
  proc.kill('SIGTERM');
  try {
    return await waitForExit(proc, graceMs);
  } catch {
    proc.kill('SIGKILL');
    return waitForExit(proc, 5_000);
  }
}

export interface Spawned {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stderr match of `pattern`; rejects if the process exits first or after `ms`. */
  waitForStderr(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** SIGTERM (then SIGKILL after 5 s) and the exit status. */
  stop(): Promise<Exit>;
}

/** Spawns `node dist/cli.js ...args` with piped stdio; it is killed by stopAll() if still running. */
export function spawnCli(args: string[], env: Record<string, string> = {}): Spawned {
  const proc = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = proc.pid!;
  livePids.add(pid);
  proc.once('exit', () => livePids.delete(pid));
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  proc.stdin!.on('error', () => {}); // EPIPE when the process is already gone
  const stop = register(() => terminate(proc).then(() => undefined));
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    waitForStderr: (pattern, ms = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = err.match(pattern);
          if (m) {
            done();
            resolve(m);
          }
        };
        const onExit = (code: number | null) => {
          done();
          reject(new Error(`dba-mcp exited (code ${code}) before printing ${pattern}; stderr:\n${err}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} on stderr within ${ms} ms; stderr:\n${err}`));
        }, ms);
        const done = () => {
          clearTimeout(timer);
          proc.stderr!.off('data', check);
          proc.off('exit', onExit);
        };
        proc.stderr!.on('data', check);
        proc.once('exit', onExit);
        check();
      }),
    stop: async () => {
      const exit = await terminate(proc);
      await stop();
      return exit;
    },
  };
}

/** Runs the CLI to completion (stdin closed at once) and returns its exit status and output. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  ms = 15_000,
): Promise<Exit & { stdout: string; stderr: string }> {
  const child = spawnCli(args, env);
  child.proc.stdin!.end();
  const exit = await waitForExit(child.proc, ms);
  await new Promise((r) => setImmediate(r)); // let the last output chunks arrive
  return { ...exit, stdout: child.stdout(), stderr: child.stderr() };
}

// ---------------------------------------------------------------------------------------------
// stdio, through the SDK's own client transport (as Claude Desktop and the MCP Inspector do)
// ---------------------------------------------------------------------------------------------

export interface StdioServer {
  client: Client;
  transport: StdioClientTransport;
  stateDir: string;
  stderr(): string;
  close(): Promise<void>;
}

/**
 * Starts `dist/cli.js ...args` over stdio and connects an SDK client. A fresh state dir is made
 * (DBA_MCP_STATE_DIR) unless `stateDir` is given, e.g. to share the demo database across a file.
 * `shell` runs a bash snippet before the server (which bash then becomes), e.g. a ulimit.
 */
export async function startStdio(
  args: string[] = [],
  env: Record<string, string> = {},
  opts: { stateDir?: string; shell?: string } = {},
): Promise<StdioServer> {
  const stateDir = opts.stateDir ?? tempDir('dba-mcp-state-');
  // `shell`: a bash snippet run first, e.g. 'ulimit -f 24'; then bash execs node (same pid).
  const launch = opts.shell
    ? { command: 'bash', args: ['-c', `${opts.shell}; exec "$0" "$@"`, process.execPath, CLI, ...args] }
    : { command: process.execPath, args: [CLI, ...args] };
  const transport = new StdioClientTransport({
    ...launch,
    env: { DBA_MCP_STATE_DIR: stateDir, ...env },
    cwd: REPO_ROOT,
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const client = new Client({ name: 'dba-mcp-e2e', version: '0.0.0' });
  const close = register(async () => {
    const pid = transport.pid;
    await client.close().catch(() => {});
    if (pid) livePids.delete(pid);
  });
  try {
    await client.connect(transport);
  } catch (e) {
    await close();
    throw new Error(`could not connect to dba-mcp over stdio: ${(e as Error).message}\nstderr:\n${err}`);
  }
  if (transport.pid) livePids.add(transport.pid);
  return { client, transport, stateDir, stderr: () => err, close };
}

// ---------------------------------------------------------------------------------------------
// streamable HTTP
// ---------------------------------------------------------------------------------------------

export interface HttpServer extends Spawned {
  /** Always http://127.0.0.1:<port>/mcp, whatever address the server binds. */
  url: string;
  port: number;
  stateDir: string;
}

/** Spawns `node dist/cli.js --transport http --port 0 ...args` and waits for its "listening on" line. */
export async function startHttp(
  args: string[] = [],
  env: Record<string, string> = {},
  opts: { stateDir?: string } = {},
): Promise<HttpServer> {
  const stateDir = opts.stateDir ?? tempDir('dba-mcp-state-');
  const child = spawnCli(['--transport', 'http', '--port', '0', '--state-dir', stateDir, ...args], env);
  try {
    const m = await child.waitForStderr(/listening on http:\/\/(\S+):(\d+)\/mcp/);
    const port = Number(m[2]);
    return { ...child, url: `http://127.0.0.1:${port}/mcp`, port, stateDir };
  } catch (e) {
    await child.stop();
    throw e;
  }
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request to 127.0.0.1 with full control over the headers (Host included). */
export function rawRequest(opts: {
  port: number;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}): Promise<RawResponse> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: opts.port,
        method: opts.method,
        path: opts.path,
        headers: {
          ...(body !== undefined && {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
          }),
          ...opts.headers,
        },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${opts.method} ${opts.path} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A JSON-RPC initialize request, as the first message of an MCP session. */
export function initializeRequest(id: number | string = 1) {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'dba-mcp-e2e-raw', version: '0.0.0' },
    },
  };
}

/** Headers a streamable HTTP POST needs. */
export const MCP_POST_HEADERS = { accept: 'application/json, text/event-stream' } as const;

// ---------------------------------------------------------------------------------------------
// tool results
// ---------------------------------------------------------------------------------------------

export interface ToolErrorBody {
  code: string;
  message: string;
  hint: string;
}

export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** The structuredContent of a successful result (fails the test, with the error text, otherwise). */
export function structured<T = Record<string, unknown>>(result: CallToolResult): T {
  const text = result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
  expect(result.isError ?? false, `tool call failed: ${text}`).toBe(false);
  expect(result.structuredContent, 'structuredContent').toBeTypeOf('object');
  return result.structuredContent as T;
}

/** Calls a tool and returns its structuredContent. */
export async function callOk<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  return structured<T>(await callTool(client, name, args));
}

/** The {code, message, hint} of an isError result (fails the test when the call succeeded). */
export function toolError(result: CallToolResult): ToolErrorBody {
  expect(result.isError, `expected an error result, got ${JSON.stringify(result.structuredContent)}`).toBe(true);
  const [first] = result.content;
  expect(first?.type).toBe('text');
  const body = JSON.parse((first as { text: string }).text) as ToolErrorBody;
  expect(body).toEqual({ code: expect.any(String), message: expect.any(String), hint: expect.any(String) });
  return body;
}

/** Calls a tool that must fail and returns its {code, message, hint}. */
export async function callError(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolErrorBody> {
  return toolError(await callTool(client, name, args));
}

// ---------------------------------------------------------------------------------------------
// real database servers
// ---------------------------------------------------------------------------------------------

export interface Probe {
  /** True when the test should be skipped: unreachable and not in CI. */
  skip: boolean;
  /** The server's own version string when reachable. */
  version: string | undefined;
  /** Throws when the server was unreachable (in CI this fails the tests instead of skipping). */
  assertReachable(): void;
}

async function probeVersion(kind: 'postgres' | 'mariadb'): Promise<string> {
  if (kind === 'postgres') {
    const client = new pg.Client({ connectionString: PG_DSN, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      return rows[0]!.v;
    } finally {
      await client.end().catch(() => {});
    }
  }
  const conn = await mysql.createConnection({ uri: MARIADB_DSN, connectTimeout: 3_000 });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return (rows as { v: string }[])[0]!.v;
  } finally {
    await conn.end().catch(() => {});
  }
}

/**
 * Checks that a real database server answers. Unreachable: in CI (process.env.CI set) the tests
 * must fail, so `skip` is false and `assertReachable` (call it in beforeAll) throws; elsewhere
 * `skip` is true and the reason goes to stderr.
 */
export async function probeDatabase(kind: 'postgres' | 'mariadb'): Promise<Probe> {
  const dsn = kind === 'postgres' ? PG_DSN : MARIADB_DSN;
  try {
    const version = await probeVersion(kind);
    return { skip: false, version, assertReachable: () => {} };
  } catch (err) {
    const reason = `${kind} at ${dsn} is unreachable: ${(err as Error).message}`;
    if (process.env.CI) {
      return {
        skip: false,
        version: undefined,
        assertReachable: () => {
          throw new Error(`${reason} (CI is set, so this is a failure; run scripts/test-databases.sh)`);
        },
      };
    }
    process.stderr.write(`[e2e] skipping ${kind} tests: ${reason}\n`);
    return { skip: true, version: undefined, assertReachable: () => {} };
  }
}
