/**
 * dba-mcp over streamable HTTP, end to end: the built binary on a random loopback port, the SDK's
 * own HTTP client, and raw requests for what a client library would not send (foreign Host or
 * Origin headers, unknown sessions, missing tokens).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  callOk,
  cleanupAll,
  initializeRequest,
  MCP_POST_HEADERS,
  rawRequest,
  runCli,
  startHttp,
  tempDir,
  type HttpServer,
} from '../helpers/e2e.js';

interface QueryResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  truncated: boolean;
}

afterAll(cleanupAll);

// One state dir for the file: the demo database is built once and reused.
const stateDir = tempDir('dba-mcp-state-');

/** An SDK client connected to `url`; closed by the caller. */
async function connect(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'dba-mcp-e2e-http', version: '0.0.0' });
  await client.connect(transport);
  return { client, transport };
}

describe('loopback server (no token)', () => {
  let server: HttpServer;
  const clients: Client[] = [];
  beforeAll(async () => {
    server = await startHttp([], {}, { stateDir });
  });
  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  });

  it('prints where it listens: 127.0.0.1 and the port it got', () => {
    expect(server.stderr()).toContain(`listening on http://127.0.0.1:${server.port}/mcp`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('GET /healthz answers 200 {status: ok}', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { status: string; version: string };
    expect(body.status).toBe('ok');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('serves a full SDK client session: tools, then a query on the demo database', async () => {
    const { client, transport } = await connect(server.url);
    clients.push(client);
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(client.getServerVersion()?.name).toBe('dba-mcp');

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['list_sources', 'describe_schema', 'run_query']));

    const r = await callOk<QueryResult>(client, 'run_query', { sql: 'SELECT count(*) AS n FROM products' });
    expect(r.rows).toEqual([[500]]);
    expect(r.truncated).toBe(false);
  });

  describe('DNS rebinding and Origin checks', () => {
    it('refuses a foreign Host header with 403', async () => {
      const res = await rawRequest({
        port: server.port,
        method: 'POST',
        path: '/mcp',
        headers: { ...MCP_POST_HEADERS, host: 'evil.example' },
        body: initializeRequest(),
      });
      expect(res.status).toBe(403);
      expect(res.body).toContain('evil.example');
      const health = await rawRequest({
        port: server.port,
        method: 'GET',
        path: '/healthz',
        headers: { host: `evil.example:${server.port}` },
      });
      expect(health.status).toBe(403);
    });

    it('refuses a foreign Origin with 403', async () => {
      const res = await rawRequest({
        port: server.port,
        method: 'POST',
        path: '/mcp',
        headers: { ...MCP_POST_HEADERS, origin: 'http://evil.example' },
        body: initializeRequest(),
      });
      expect(res.status).toBe(403);
    });

    it('accepts its own Origin and Host', async () => {
      const res = await rawRequest({
        port: server.port,
        method: 'POST',
        path: '/mcp',
        headers: { ...MCP_POST_HEADERS, origin: `http://127.0.0.1:${server.port}` },
        body: initializeRequest(),
      });
      expect(res.status, res.body).toBe(200);
      expect(res.headers['mcp-session-id']).toBeTypeOf('string');
      expect(res.body).toContain('"serverInfo"');
      await rawRequest({
        port: server.port,
        method: 'DELETE',
        path: '/mcp',
        headers: { 'mcp-session-id': String(res.headers['mcp-session-id']) },
      });
    });
  });

  describe('sessions', () => {
    it('an unknown mcp-session-id gets 404', async () => {
      const res = await rawRequest({
        port: server.port,
        method: 'POST',
        path: '/mcp',
        headers: { ...MCP_POST_HEADERS, 'mcp-session-id': randomUUID() },
        body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      });
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', error: { code: expect.any(Number) } });
    });

    it('a request without a session that is not initialize gets 400', async () => {
      const res = await rawRequest({
        port: server.port,
        method: 'GET',
        path: '/mcp',
        headers: { accept: 'text/event-stream' },
      });
      expect(res.status).toBe(400);
    });

    it('DELETE closes a session: afterwards its id is unknown', async () => {
      const { client, transport } = await connect(server.url);
      clients.push(client);
      const sessionId = transport.sessionId!;
      await client.listTools(); // the session works
      const openBefore = (
        (await (await fetch(`http://127.0.0.1:${server.port}/healthz`)).json()) as { sessions: number }
      ).sessions;

      const del = await rawRequest({
        port: server.port,
        method: 'DELETE',
        path: '/mcp',
        headers: { 'mcp-session-id': sessionId },
      });
      expect(del.status).toBe(200);

      const after = await rawRequest({
        port: server.port,
        method: 'POST',
        path: '/mcp',
        headers: { ...MCP_POST_HEADERS, 'mcp-session-id': sessionId },
        body: { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      });
      expect(after.status).toBe(404);
      await expect(client.listTools()).rejects.toThrow();
      const openAfter = (
        (await (await fetch(`http://127.0.0.1:${server.port}/healthz`)).json()) as { sessions: number }
      ).sessions;
      expect(openAfter).toBe(openBefore - 1);
    });
  });

  it('SIGTERM exits with code 0', async () => {
    const { client } = await connect(server.url); // an open session must not hold shutdown up
    clients.push(client);
    const started = Date.now();
    const exit = await server.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('binding beyond loopback', () => {
  it('--host 0.0.0.0 without a token refuses to start', async () => {
    const r = await runCli(['--transport', 'http', '--host', '0.0.0.0', '--port', '0', '--state-dir', stateDir]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stderr).toContain('auth_token');
    expect(r.stderr).not.toMatch(/listening on/);
  });

  describe('with DBA_MCP_AUTH_TOKEN', () => {
    const token = randomBytes(16).toString('hex'); // 32 characters
    let server: HttpServer;
    beforeAll(async () => {
      server = await startHttp(['--host', '0.0.0.0'], { DBA_MCP_AUTH_TOKEN: token }, { stateDir });
    });
    afterAll(() => server?.stop());

    it('binds the address it was given and never prints the token', () => {
      expect(server.stderr()).toContain(`listening on http://0.0.0.0:${server.port}/mcp`);
      expect(server.stderr()).not.toContain(token);
    });

    it('answers 401 without a token and with a wrong one', async () => {
      const request = (headers: Record<string, string>) =>
        rawRequest({
          port: server.port,
          method: 'POST',
          path: '/mcp',
          headers: { ...MCP_POST_HEADERS, ...headers },
          body: initializeRequest(),
        });
      expect((await request({})).status).toBe(401);
      expect((await request({ authorization: `Bearer ${'x'.repeat(32)}` })).status).toBe(401);
      expect((await request({ authorization: `Bearer ${token}x` })).status).toBe(401);
      expect((await request({ authorization: token })).status).toBe(401); // no "Bearer"
    });

    it('serves an SDK client that sends Authorization: Bearer <token>', async () => {
      const { client } = await connect(server.url, { authorization: `Bearer ${token}` });
      try {
        const r = await callOk<QueryResult>(client, 'run_query', { sql: 'SELECT max(id) AS top FROM products' });
        expect(r.rows).toEqual([[500]]);
      } finally {
        await client.close();
      }
    });

    it('the SDK client without the token cannot connect', async () => {
      await expect(connect(server.url)).rejects.toThrow(/401|missing or wrong bearer token/);
    });
  });
});
