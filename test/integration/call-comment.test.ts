/** The database sees which call a statement belongs to: its own view of the running query carries the comment. */
import { describe, expect, it } from 'vitest';
import { SERVERS, skipUnlessReachable } from '../helpers/databases.js';
import { connect, errorOf } from '../helpers/mcp.js';

const OWN_QUERY = {
  postgres: 'SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid()',
  mysql: 'SELECT INFO FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()',
} as const;

for (const engine of ['postgres', 'mysql'] as const) {
  describe.skipIf(await skipUnlessReachable(engine))(`call comment on ${engine}`, () => {
    it('reaches the server with the request id and the source', async () => {
      const scratch = await SERVERS[engine].scratch();
      const mcp = await connect([scratch.source()]);
      try {
        const res = await mcp.call('run_query', { sql: OWN_QUERY[engine] });
        expect(errorOf(res)).toBeUndefined();
        const seen = String((res.structuredContent as { rows: unknown[][] }).rows[0]![0]);
        expect(seen).toMatch(/^\/\*dba_mcp_call='[^']*:\d+',dba_mcp_source='scratch'\*\/\n/);
        expect(seen).toContain(OWN_QUERY[engine]);
      } finally {
        await mcp.close();
        await scratch.drop();
      }
    });
  });
}
