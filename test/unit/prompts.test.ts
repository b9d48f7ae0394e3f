/** prompts/list and prompts/get through the real server and SDK client, each get audited (kind 'prompt'). */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { AuditUnavailableError, type AuditEntry, type AuditSink } from '../../src/audit/index.js';
import { connect, type Harness } from '../helpers/mcp.js';
import { auditTempDir, openTestSink, records, removeAuditTempDirs } from '../helpers/audit.js';

function memorySink(): AuditSink & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    record: async (e) => void entries.push(structuredClone(e)),
    ensureWritable: () => {},
    status: () => ({ state: 'off' }),
    recent: () => [],
    close: async () => {},
  };
}

const SQL = 'SELECT id, note FROM shop.orders WHERE lower(email) = $1';
let mcp: Harness | undefined;

afterEach(async () => {
  await mcp?.close();
  mcp = undefined;
  removeAuditTempDirs();
});

describe('prompts', () => {
  it('lists optimize_query with its arguments, and declares the capability', async () => {
    mcp = await connect([]);
    expect(mcp.client.getServerCapabilities()?.prompts).toBeDefined();
    const { prompts } = await mcp.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual([
      'optimize_query',
      'review_migration',
      'backup_readiness',
      'health_report',
    ]);
    expect(prompts[0]!.arguments).toEqual([
      expect.objectContaining({ name: 'sql', required: true }),
      expect.objectContaining({ name: 'source', required: false }),
    ]);
  });

  it('expands to messages embedding the SQL and naming the tools, and audits each get once', async () => {
    const audit = memorySink();
    mcp = await connect([], audit);
    const res = await mcp.client.getPrompt({ name: 'optimize_query', arguments: { sql: SQL, source: 'shop' } });
    expect(res.messages).toHaveLength(1);
    const text = (res.messages[0]!.content as { text: string }).text;
    expect(text).toContain(SQL);
    expect(text).toContain('source `shop`');
    for (const tool of [
      'analyze_query',
      '"analyze": false',
      '"analyze": true',
      'propose_index',
      'request_change',
      'plan_migration',
      'CREATE INDEX CONCURRENTLY',
      'get_change',
    ])
      expect(text).toContain(tool);
    expect(text).toMatch(/never run DDL yourself/);
    await mcp.client.getPrompt({ name: 'optimize_query', arguments: { sql: 'SELECT 1' } });
    const prompts = audit.entries.filter((e) => e.kind === 'prompt');
    expect(prompts).toHaveLength(2);
    expect(prompts[0]).toMatchObject({
      kind: 'prompt',
      name: 'optimize_query',
      outcome: 'ok',
      source: 'shop',
      args: { sql: SQL, source: 'shop' },
    });
  });

  it('an unknown prompt or a missing required argument is the protocol error -32602, and recorded', async () => {
    const audit = memorySink();
    mcp = await connect([], audit);
    const unknown = await mcp.client.getPrompt({ name: 'nope' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(McpError);
    expect((unknown as McpError).code).toBe(-32602);
    const missing = await mcp.client
      .getPrompt({ name: 'optimize_query', arguments: { source: 'x' } })
      .catch((e: unknown) => e);
    expect((missing as McpError).code).toBe(-32602);
    expect((missing as McpError).message).toContain('sql');
    expect(audit.entries.map((e) => [e.kind, e.name, e.outcome, e.errorCode])).toEqual([
      ['prompt', 'nope', 'error', 'UNKNOWN_PROMPT'],
      ['prompt', 'optimize_query', 'error', 'INVALID_ARGUMENT'],
    ]);
  });

  it('writes one record of kind prompt to the real audit log, and refuses while the log is unavailable', async () => {
    const { sink, file } = await openTestSink(path.join(auditTempDir(), 'audit.jsonl'));
    mcp = await connect([], sink);
    await mcp.client.getPrompt({ name: 'optimize_query', arguments: { sql: 'SELECT 1' } });
    expect(
      records(file)
        .filter((r) => r.kind === 'prompt')
        .map((r) => [r.name, r.outcome]),
    ).toEqual([['optimize_query', 'ok']]);
    await sink.close();
    await mcp.close();

    const broken = memorySink();
    broken.ensureWritable = () => {
      throw new AuditUnavailableError({
        file: '/nowhere/audit.jsonl',
        since: new Date(0).toISOString(),
        error: 'ENOSPC',
        refused: 1,
      });
    };
    mcp = await connect([], broken);
    const refused = await mcp.client
      .getPrompt({ name: 'optimize_query', arguments: { sql: 'SELECT 1' } })
      .catch((e: unknown) => e);
    expect((refused as McpError).message).toContain('AUDIT_UNAVAILABLE');
  });
});
