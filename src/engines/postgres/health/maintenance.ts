/** PostgreSQL maintenance: vacuum and analyze staleness, transaction-ID wraparound, bloat estimates. */
import type { HealthCheck } from '../../contract/health.js';
import { level, ok, pct, plural } from '../../kit/health/judge.js';
import type { PgDriver } from '../core/driver.js';

const USER_TABLES = `schemaname NOT IN ('pg_catalog', 'information_schema') AND schemaname NOT LIKE 'pg\\_toast%'`;
const USER_NS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;

interface VacuumRow {
  table: string;
  live: number;
  dead: number;
  modified_since_analyze: number;
  last_vacuum: string | null;
  last_autovacuum: string | null;
  last_analyze: string | null;
  last_autoanalyze: string | null;
}

const VACUUM_SQL = `
  SELECT schemaname || '.' || relname AS table, n_live_tup::float8 AS live, n_dead_tup::float8 AS dead, n_mod_since_analyze::float8 AS modified_since_analyze,
    last_vacuum::text, last_autovacuum::text, last_analyze::text, last_autoanalyze::text
  FROM pg_stat_user_tables WHERE ${USER_TABLES}`;

export function vacuum(driver: PgDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const [rows, [settings]] = await Promise.all([
      driver.catalog<VacuumRow>(VACUUM_SQL),
      driver.catalog<{ autovacuum: string }>(`SELECT current_setting('autovacuum') AS autovacuum`),
    ]);
    const behind = rows
      .filter((r) => r.dead >= Math.max(1, t.dead_tuple_min) && r.dead > (t.dead_tuple_pct / 100) * r.live)
      .sort((a, b) => b.dead - a.dead)
      .slice(0, 20)
      .map((r) => ({
        table: r.table,
        live_rows: r.live,
        dead_rows: r.dead,
        dead_pct: pct(r.dead, r.live),
        last_vacuum: r.last_vacuum,
        last_autovacuum: r.last_autovacuum,
      }));
    const autovacuumOff = settings?.autovacuum !== 'on';
    if (behind.length === 0 && !autovacuumOff)
      return ok(
        `no table has more than ${t.dead_tuple_pct}% dead rows (and at least ${t.dead_tuple_min}); autovacuum is on`,
      );
    return {
      status: autovacuumOff ? 'fail' : 'warn',
      message: [
        autovacuumOff ? 'autovacuum is OFF' : '',
        behind.length
          ? `vacuum is behind on ${plural(behind.length, 'table')}: ${behind.map((b) => `${b.table} (${b.dead_rows} dead, ${b.dead_pct}%)`).join(', ')}`
          : '',
      ]
        .filter(Boolean)
        .join('; '),
      evidence: { autovacuum: settings?.autovacuum ?? null, tables: behind },
      fix: `${autovacuumOff ? 'Turn autovacuum on (ALTER SYSTEM SET autovacuum = on; SELECT pg_reload_conf()). ' : ''}Run VACUUM (ANALYZE) on these tables (a reviewed change), look for long transactions holding back cleanup, and tune autovacuum_vacuum_scale_factor per busy table.`,
    };
  };
}

export function analyzeStaleness(driver: PgDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const rows = await driver.catalog<VacuumRow>(VACUUM_SQL);
    const stale = rows
      .filter((r) => {
        const never = !r.last_analyze && !r.last_autoanalyze;
        return (
          r.live + r.modified_since_analyze >= Math.max(1, t.dead_tuple_min) &&
          (never || r.modified_since_analyze > (t.analyze_stale_pct / 100) * r.live)
        );
      })
      .sort((a, b) => b.modified_since_analyze - a.modified_since_analyze)
      .slice(0, 20)
      .map((r) => ({
        table: r.table,
        live_rows: r.live,
        modified_since_analyze: r.modified_since_analyze,
        last_analyze: r.last_analyze,
        last_autoanalyze: r.last_autoanalyze,
      }));
    if (stale.length === 0)
      return ok(
        `planner statistics are fresh: no table has more than ${t.analyze_stale_pct}% of its rows changed since its last analyze`,
      );
    return {
      status: 'warn',
      message: `stale planner statistics on ${plural(stale.length, 'table')}: ${stale.map((s) => `${s.table} (${s.modified_since_analyze} rows changed${s.last_analyze || s.last_autoanalyze ? '' : ', never analyzed'})`).join(', ')}`,
      evidence: { tables: stale },
      fix: `Run ANALYZE on them (${stale.map((s) => `ANALYZE ${s.table};`).join(' ')}); bad estimates make bad plans (analyze_query flags ESTIMATE_OFF).`,
    };
  };
}

export function xidWraparound(driver: PgDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const [databases, tables, [settings]] = await Promise.all([
      driver.catalog<{ database: string; xid_age: number; mxid_age: number }>(
        `SELECT datname AS database, age(datfrozenxid)::float8 AS xid_age, mxid_age(datminmxid)::float8 AS mxid_age FROM pg_database ORDER BY 2 DESC`,
      ),
      driver.catalog<{ table: string; xid_age: number }>(`
        SELECT n.nspname || '.' || c.relname AS table, age(c.relfrozenxid)::float8 AS xid_age
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm', 't') AND c.relfrozenxid <> '0'::xid
        ORDER BY 2 DESC LIMIT 5`),
      driver.catalog<{ freeze_max_age: string }>(
        `SELECT current_setting('autovacuum_freeze_max_age') AS freeze_max_age`,
      ),
    ]);
    const oldest = Math.max(0, ...databases.map((d) => d.xid_age), ...databases.map((d) => d.mxid_age));
    const status = level(oldest, t.xid_age_warn, t.xid_age_fail);
    const evidence = {
      oldest_age: oldest,
      limit: 2 ** 31,
      warn_at: t.xid_age_warn,
      fail_at: t.xid_age_fail,
      autovacuum_freeze_max_age: Number(settings?.freeze_max_age),
      databases,
      oldest_tables: tables,
    };
    const message = `oldest transaction-ID age ${oldest.toLocaleString('en-US')} (${pct(oldest, 2 ** 31)}% of the 2^31 wraparound limit)`;
    if (status === 'ok') return ok(message, evidence);
    return {
      status,
      message,
      evidence,
      fix: 'Run VACUUM (FREEZE) on the oldest tables (listed) in the oldest database, and end long transactions, prepared transactions and stale replication slots that hold back the freeze horizon.',
    };
  };
}

interface BloatRow {
  name: string;
  pages: number;
  expected_pages: number;
  block_size: number;
}

/** Table size against the size its rows need (pg_stats widths, 24-byte tuple headers, fillfactor): an estimate, like PgHero's. */
const TABLE_BLOAT_SQL = `
  WITH t AS (
    SELECT n.nspname || '.' || c.relname AS name, c.relpages::float8 AS pages, c.reltuples::float8 AS tuples, current_setting('block_size')::float8 AS block_size,
      coalesce((SELECT substring(o FROM 'fillfactor=(\\d+)')::float8 FROM unnest(c.reloptions) o WHERE o LIKE 'fillfactor=%'), 100) AS ff,
      (SELECT sum((1 - s.null_frac) * s.avg_width) FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname) AS width
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'm') AND ${USER_NS} AND c.relpages > 0 AND c.reltuples > 0)
  SELECT name, pages, ceil(tuples * (28 + ceil(width / 8) * 8) / ((block_size - 24) * ff / 100)) AS expected_pages, block_size
  FROM t WHERE width IS NOT NULL`;

/** B-tree leaf pages against what the keys need (8-byte tuple header + 4-byte pointer + key widths, 90% fill). */
const INDEX_BLOAT_SQL = `
  WITH i AS (
    SELECT n.nspname || '.' || ic.relname AS name, ic.relpages::float8 AS pages, ic.reltuples::float8 AS tuples, current_setting('block_size')::float8 AS block_size,
      (SELECT sum(s.avg_width) FROM pg_attribute a JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = tc.relname AND s.attname = a.attname
        WHERE a.attrelid = tc.oid AND a.attnum = ANY(x.indkey::int2[])) AS width
    FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class tc ON tc.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = ic.relnamespace JOIN pg_am am ON am.oid = ic.relam
    WHERE am.amname = 'btree' AND ${USER_NS} AND ic.relpages > 10 AND NOT (0 = ANY(x.indkey::int2[])) AND x.indpred IS NULL)
  SELECT name, pages, ceil(tuples * (12 + ceil(width / 8) * 8) / ((block_size - 40) * 0.9)) + 1 AS expected_pages, block_size
  FROM i WHERE width IS NOT NULL`;

function bloatCheck(driver: PgDriver, sql: string, what: 'table' | 'index'): HealthCheck {
  return async ({ thresholds: t }) => {
    const rows = await driver.catalog<BloatRow>(sql);
    const bloated = rows
      .map((r) => ({
        [what]: r.name,
        size_bytes: r.pages * r.block_size,
        wasted_bytes: Math.max(0, r.pages - r.expected_pages) * r.block_size,
        bloat_pct: pct(Math.max(0, r.pages - r.expected_pages), r.pages),
      }))
      .filter((r) => r.bloat_pct >= t.bloat_pct && r.wasted_bytes >= t.bloat_min_mb * 1024 * 1024)
      .sort((a, b) => b.wasted_bytes - a.wasted_bytes)
      .slice(0, 20);
    if (bloated.length === 0)
      return ok(
        `no ${what} with an estimated ${t.bloat_pct}%+ and ${t.bloat_min_mb} MB+ of wasted space (estimate from pg_stats; run ANALYZE for a better one)`,
      );
    const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;
    return {
      status: 'warn',
      message: `estimated bloat in ${plural(bloated.length, what, what === 'index' ? 'indexes' : 'tables')}: ${bloated.map((b) => `${String(b[what])} (~${mb(b.wasted_bytes)}, ${b.bloat_pct}%)`).join(', ')}`,
      evidence: {
        estimate: 'from pg_class.relpages and pg_stats widths; pgstattuple gives exact figures',
        [what === 'index' ? 'indexes' : 'tables']: bloated,
      },
      fix:
        what === 'index'
          ? 'Rebuild without blocking writes: REINDEX INDEX CONCURRENTLY <index> (a reviewed change).'
          : 'VACUUM makes the space reusable but does not shrink the file; to give it back use pg_repack (online) or VACUUM FULL (locks the table) in a maintenance window.',
    };
  };
}

export const tableBloat = (driver: PgDriver) => bloatCheck(driver, TABLE_BLOAT_SQL, 'table');
export const indexBloat = (driver: PgDriver) => bloatCheck(driver, INDEX_BLOAT_SQL, 'index');
