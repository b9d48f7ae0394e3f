/** The server's instructions (sent at initialize) name only tools the server has, and the main workflows. */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/mcp.js';

let mcp: Harness | undefined;
afterEach(async () => {
  await mcp?.close();
  mcp = undefined;
});

describe('server instructions', () => {
  it('name only tools the server lists, among them the workflow tools', async () => {
    mcp = await connect([]);
    const text = mcp.client.getInstructions() ?? '';
    const { tools } = await mcp.client.listTools();
    const names = new Set(tools.map((t) => t.name));
    const named = [...text.matchAll(/\b[a-z]+(?:_[a-z]+)+\b/g)].map((m) => m[0]);
    expect(named.filter((n) => !names.has(n))).toEqual([]);
    for (const tool of [
      'analyze_query',
      'propose_index',
      'plan_migration',
      'apply_migration',
      'check_health',
      'check_backups',
    ])
      expect(named).toContain(tool);
  });
});
