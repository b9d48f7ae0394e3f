/** /healthz tells a load balancer or a person when the server cannot work: an audit log it cannot write. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupAll, rawRequest, startHttp, tempDir, tempFile } from '../helpers/e2e.js';

afterAll(cleanupAll);

describe('GET /healthz', () => {
  it('answers 200 with the audit log state when all is well', async () => {
    const server = await startHttp();
    const res = await rawRequest({ port: server.port, method: 'GET', path: '/healthz', headers: { host: `127.0.0.1:${server.port}` } });
    await server.stop();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ok', audit: { state: 'ok' } });
  });

  it('answers 503 while the audit log cannot be written', async () => {
    const dir = tempDir();
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, 'a file where the audit folder should be');
    const config = tempFile('dba-mcp.yaml', `audit:\n  path: ${path.join(blocker, 'audit.jsonl')}\n`);
    const server = await startHttp(['--config', config]);
    const res = await rawRequest({ port: server.port, method: 'GET', path: '/healthz', headers: { host: `127.0.0.1:${server.port}` } });
    await server.stop();
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'degraded', audit: { state: 'failed' } });
  });
});
