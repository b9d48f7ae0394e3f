/**
 * The HTTP approval console, end to end with the built binary: a change requested over MCP is
 * approved by a person with the admin token (never the MCP token), runs once, and cannot be
 * decided again.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupAll, rawRequest, startHttp, tempDir, tempFile } from '../helpers/e2e.js';

afterAll(cleanupAll);

const ADMIN = randomBytes(16).toString('hex');

function shopDb(): string {
  const file = path.join(tempDir(), 'shop.db');
  const db = new Database(file);
  db.exec(
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT); INSERT INTO orders VALUES (1, 'new'), (2, 'new')",
  );
  db.close();
  return file;
}

const statusOf = (file: string) => {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare('SELECT status FROM orders ORDER BY id').all() as { status: string }[];
  db.close();
  return rows.map((r) => r.status);
};

describe('HTTP approval console', () => {
  it('lets a person with the admin token approve a change, which then runs once', async () => {
    const file = shopDb();
    const config = tempFile(
      'dba-mcp.yaml',
      `sources:\n  - id: shop\n    dsn: sqlite://${file}\n    mode: read-write\n`,
    );
    const server = await startHttp(['--config', config], { DBA_MCP_ADMIN_TOKEN: ADMIN });
    const host = { host: `127.0.0.1:${server.port}` };
    const client = new Client({ name: 'agent', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    const requested = await client.callTool({
      name: 'request_change',
      arguments: { sql: "UPDATE orders SET status = 'cancelled' WHERE id = 1" },
    });
    const id = (requested.structuredContent as { id: string; status: string }).id;
    expect((requested.structuredContent as { status: string }).status).toBe('pending');

    const approve = (headers: Record<string, string>) =>
      rawRequest({
        port: server.port,
        method: 'POST',
        path: `/admin/approvals/${id}/approve`,
        headers: { ...host, ...headers },
        body: { by: 'alice' },
      });
    expect((await approve({})).status).toBe(401);
    expect((await approve({ authorization: 'Bearer not-the-admin-token-at-all' })).status).toBe(401);
    const listed = await rawRequest({
      port: server.port,
      method: 'GET',
      path: '/admin/approvals',
      headers: { ...host, authorization: `Bearer ${ADMIN}` },
    });
    expect(JSON.parse(listed.body).changes.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(statusOf(file)).toEqual(['new', 'new']);

    const ok = await approve({ authorization: `Bearer ${ADMIN}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({
      status: 'approved',
      decision: { path: 'http', by: 'alice (http console)' },
    });
    let outcome: { status: string } = { status: '' };
    for (let i = 0; i < 50 && outcome.status !== 'executed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      outcome = (await client.callTool({ name: 'get_change', arguments: { id } })).structuredContent as {
        status: string;
      };
    }
    expect(outcome.status).toBe('executed');
    expect(statusOf(file)).toEqual(['cancelled', 'new']);
    expect((await approve({ authorization: `Bearer ${ADMIN}` })).status).toBe(409);
    await client.close();
    await server.stop();
  });

  it('is off (404) without an admin token', async () => {
    const server = await startHttp();
    const res = await rawRequest({
      port: server.port,
      method: 'GET',
      path: '/admin/approvals',
      headers: { host: `127.0.0.1:${server.port}`, authorization: 'Bearer anything-at-all-16' },
    });
    await server.stop();
    expect(res.status).toBe(404);
  });
});
