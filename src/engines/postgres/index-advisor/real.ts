/**
 * Confirms an index HypoPG cannot judge well (an expression or BRIN index has no statistics while
 * hypothetical) by building it for real in a transaction that is rolled back: BEGIN; EXPLAIN the
 * queries (EXPLAIN ANALYZE when they are all reads: the planner's BRIN costs understate it too);
 * CREATE INDEX; ANALYZE the table (so the expression gets statistics); EXPLAIN again; ROLLBACK. Only on a read-write source and a table under the size limit: CREATE INDEX holds a
 * SHARE lock (writes wait) while it builds, so lock_timeout keeps it from queueing behind or in
 * front of the application's writes.
 */
import pg from 'pg';
import type { PlannedQuery, RealCheck } from '../../contract/index-advisor.js';
import type { TableRef, EngineSource } from '../../contract/engine.js';
import { readPgPlan } from './session.js';
import { quoteIdent } from './shape.js';

/** Total planner cost (and run time with `analyze`) of the queries, and whether a plan used the test index. */
async function measure(
  client: pg.Client,
  queries: readonly PlannedQuery[],
  analyze: boolean,
): Promise<{ cost: number; ms: number | null; used: boolean }> {
  let cost = 0;
  let ms: number | null = analyze ? 0 : null;
  let used = false;
  for (const q of queries) {
    // extended protocol: one statement only, whatever the text holds (nothing can end the transaction)
    const res = await client.query<Record<string, unknown>>({
      text: `EXPLAIN (${analyze ? 'ANALYZE, ' : ''}FORMAT JSON) ${q.sql}`,
      values: [...q.params],
      queryMode: 'extended',
    } as pg.QueryConfig);
    const cell = Object.values(res.rows[0] ?? {})[0];
    const doc = typeof cell === 'string' ? JSON.parse(cell) : cell;
    if (JSON.stringify(doc).includes('dba_mcp_probe_idx')) used = true;
    cost += readPgPlan(doc).cost ?? 0;
    const top = (Array.isArray(doc) ? doc[0] : doc) as { 'Execution Time'?: number } | undefined;
    if (ms !== null) ms += top?.['Execution Time'] ?? 0;
  }
  return { cost, ms, used };
}

export async function pgRealCheck(
  source: EngineSource,
  where: string,
  createSql: string,
  table: TableRef,
  queries: readonly PlannedQuery[],
  opts: { timeoutMs: number; maxTableBytes: number; analyze: boolean },
): Promise<RealCheck | { skipped: string }> {
  const client = new pg.Client({
    connectionString: source.parsed.normalized,
    connectionTimeoutMillis: source.limits.connect_timeout_ms,
    application_name: 'dba-mcp-index-check',
  });
  client.on('error', () => {});
  const qualified = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
  try {
    await client.connect();
    const size = await client.query<{ bytes: string }>('SELECT pg_total_relation_size($1::regclass)::text AS bytes', [
      qualified,
    ]);
    const bytes = Number(size.rows[0]?.bytes ?? 0);
    if (bytes > opts.maxTableBytes)
      return {
        skipped: `${table.name} is ${Math.round(bytes / 1048576)} MB, over the ${Math.round(opts.maxTableBytes / 1048576)} MB limit for building a test index`,
      };
    await client.query('BEGIN');
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(opts.timeoutMs))}`);
    await client.query(`SET LOCAL lock_timeout = 1000`);
    const before = await measure(client, queries, opts.analyze);
    await client.query({ text: createSql, queryMode: 'extended' } as pg.QueryConfig); // one statement only: it cannot COMMIT the test build
    await client.query(`ANALYZE ${qualified}`);
    const after = await measure(client, queries, opts.analyze);
    const idx = await client.query<{ bytes: string }>(
      `SELECT pg_relation_size(c.oid)::text AS bytes FROM pg_class c WHERE c.relname = 'dba_mcp_probe_idx' AND c.relnamespace = $1::regnamespace`,
      [quoteIdent(table.schema)],
    );
    return {
      costBefore: before.cost,
      costAfter: after.cost,
      msBefore: before.ms,
      msAfter: after.ms,
      sizeBytes: Number(idx.rows[0]?.bytes ?? 0),
      used: after.used,
    };
  } catch (err) {
    return { skipped: `the test build failed: ${(err as Error).message} (${where})` };
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end().catch(() => {});
  }
}
