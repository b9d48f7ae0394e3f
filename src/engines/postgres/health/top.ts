/** PostgreSQL top queries from pg_stat_statements, with a clear answer when it is not set up. */
import type { TopQueriesOrder, TopQueriesResult } from '../../contract/health.js';
import type { PgDriver } from '../core/driver.js';
import { redactText } from '../../../core/redact.js';

interface StatementRow {
  query: string;
  calls: number;
  total_ms: number;
  mean_ms: number;
  rows: number;
  shared_blks_hit: number;
  shared_blks_read: number;
  temp_blks_written: number;
  user: string | null;
}

const ORDER: Record<TopQueriesOrder, string> = {
  total_time: 'total_ms',
  mean_time: 'mean_ms',
  calls: 'calls',
  rows: 'rows',
};

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

export async function pgTopQueries(
  driver: PgDriver,
  orderBy: TopQueriesOrder,
  limit: number,
  version: () => Promise<number>,
): Promise<TopQueriesResult> {
  // pg_settings hides shared_preload_libraries from a login without pg_read_all_settings: preload is then unknown (null).
  const [setup] = await driver.catalog<{ schema: string | null; preload: string | null; database: string }>(`
    SELECT (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements') AS schema,
      (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries') AS preload, current_database() AS database`);
  const { schema, preload, database } = setup!;
  const preloaded = preload === null ? null : /(^|[\s,])"?pg_stat_statements"?($|[\s,])/.test(preload);
  const source = 'pg_stat_statements';
  if (preloaded === false) {
    return {
      source,
      available: false,
      queries: [],
      note: `pg_stat_statements is not loaded: add it to shared_preload_libraries in postgresql.conf (ALTER SYSTEM SET shared_preload_libraries = '${[preload, 'pg_stat_statements'].filter(Boolean).join(',')}'), restart the server, then CREATE EXTENSION pg_stat_statements; in database ${database}.`,
    };
  }
  if (!schema) {
    const loaded = preloaded
      ? 'is preloaded but'
      : 'may be preloaded (this login cannot read shared_preload_libraries), but';
    return {
      source,
      available: false,
      queries: [],
      note: `pg_stat_statements ${loaded} the extension is not created in database ${database}: run CREATE EXTENSION pg_stat_statements; there (as a superuser or the database owner; a reviewed change through request_change on a read-write source). No restart needed${preloaded ? '' : ' if it is preloaded'}.`,
    };
  }
  const timeCols =
    (await version()) >= 130000
      ? { total: 'total_exec_time', mean: 'mean_exec_time' }
      : { total: 'total_time', mean: 'mean_time' };
  let rows: StatementRow[];
  try {
    rows = await driver.catalog<StatementRow>(
      `
    SELECT s.query, s.calls::float8 AS calls, s.${timeCols.total}::float8 AS total_ms, s.${timeCols.mean}::float8 AS mean_ms, s.rows::float8 AS rows,
      s.shared_blks_hit::float8 AS shared_blks_hit, s.shared_blks_read::float8 AS shared_blks_read, s.temp_blks_written::float8 AS temp_blks_written,
      (SELECT rolname FROM pg_roles r WHERE r.oid = s.userid) AS user
    FROM ${ident(schema)}.pg_stat_statements s
    WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.query NOT LIKE '%pg_stat_statements%'
    ORDER BY ${ORDER[orderBy]} DESC NULLS LAST LIMIT $1`,
      [limit],
    );
  } catch (err) {
    if (!/shared_preload_libraries/.test((err as Error).message)) throw err;
    return {
      source,
      available: false,
      queries: [],
      note: `the pg_stat_statements extension exists in database ${database} but the library is not loaded: add pg_stat_statements to shared_preload_libraries in postgresql.conf and restart the server.`,
    };
  }
  return {
    source,
    available: true,
    note: `database ${database}; times in milliseconds since pg_stat_statements was last reset${preloaded ? '' : '; statements of other roles show as <insufficient privilege> unless this login has pg_read_all_stats'}`,
    queries: rows.map((r) => ({
      query: redactText(r.query),
      calls: r.calls,
      total_ms: round(r.total_ms),
      mean_ms: round(r.mean_ms),
      rows: r.rows,
      extra: {
        user: r.user,
        shared_blks_hit: r.shared_blks_hit,
        shared_blks_read: r.shared_blks_read,
        temp_blks_written: r.temp_blks_written,
      },
    })),
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
