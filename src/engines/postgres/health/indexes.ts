/** PostgreSQL index checks: duplicate / redundant, unused, invalid. */
import type { HealthCheck } from '../../contract/health.js';
import { ok, plural } from '../../kit/health/judge.js';
import {
  overlapFinding,
  unusedFinding,
  usageKey,
  type DefinedIndex,
  type TableIndexes,
} from '../../kit/health/index-findings.js';
import type { PgDriver } from '../core/driver.js';
import { pgIndexUsage } from '../index-advisor/index-usage.js';

const USER_NS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
export const pgDropIndex = (schema: string, _table: string, index: string) =>
  `DROP INDEX CONCURRENTLY ${ident(schema)}.${ident(index)};`;

interface IndexRow {
  schema: string;
  table: string;
  name: string;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  method: string;
  predicate: string | null;
  columns: string[];
  include: string[];
  definition: string;
  size_bytes: number;
  constraint_type: string | null;
}

/** Same column forms as the introspector (pg_get_indexdef per key column), plus the full definition. */
const INDEXES_SQL = `
  SELECT n.nspname AS schema, t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary, x.indisvalid AS valid,
    am.amname AS method, pg_get_expr(x.indpred, x.indrelid) AS predicate,
    ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) k ORDER BY k) AS columns,
    ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(x.indnkeyatts + 1, x.indnatts) k ORDER BY k) AS include,
    pg_get_indexdef(x.indexrelid) AS definition, (i.relpages::bigint * current_setting('block_size')::bigint)::float8 AS size_bytes,
    (SELECT con.contype::text FROM pg_constraint con WHERE con.conindid = x.indexrelid AND con.conrelid = x.indrelid LIMIT 1) AS constraint_type
  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN pg_am am ON am.oid = i.relam
  WHERE ${USER_NS}
  ORDER BY 1, 2, x.indisprimary DESC, 3`;

async function indexRows(driver: PgDriver): Promise<IndexRow[]> {
  return driver.catalog<IndexRow>(INDEXES_SQL);
}

function byTable(rows: readonly IndexRow[]): TableIndexes[] {
  const out = new Map<string, TableIndexes>();
  for (const r of rows) {
    const key = `${r.schema}.${r.table}`;
    const entry = out.get(key) ?? { schema: r.schema, table: r.table, indexes: [] };
    const index: DefinedIndex = {
      name: r.name,
      columns: r.columns,
      include: r.include,
      unique: r.unique,
      primary: r.primary,
      method: r.method,
      predicate: r.predicate,
      valid: r.valid,
      definition: r.definition,
      size_bytes: r.size_bytes,
    };
    entry.indexes.push(index);
    out.set(key, entry);
  }
  return [...out.values()];
}

export function duplicateIndexes(driver: PgDriver): HealthCheck {
  return async () => overlapFinding(byTable(await indexRows(driver)), pgDropIndex);
}

export function unusedIndexes(driver: PgDriver): HealthCheck {
  return async ({ thresholds }) => {
    const [usage, rows] = await Promise.all([pgIndexUsage(driver), indexRows(driver)]);
    const definitions = new Map(rows.map((r) => [usageKey(r.schema, r.table, r.name), r.definition]));
    // Exclusion constraints are enforced by their index even when nothing scans it.
    const constraintBacked = new Set(
      rows.filter((r) => r.constraint_type !== null).map((r) => usageKey(r.schema, r.table, r.name)),
    );
    return unusedFinding({ usage, thresholds, definitions, constraintBacked, dropSql: pgDropIndex });
  };
}

export function invalidIndexes(driver: PgDriver): HealthCheck {
  return async () => {
    const invalid = (await indexRows(driver))
      .filter((r) => !r.valid)
      .map((r) => ({
        table: `${r.schema}.${r.table}`,
        index: r.name,
        definition: r.definition,
        reindex: `REINDEX INDEX CONCURRENTLY ${ident(r.schema)}.${ident(r.name)};`,
      }));
    if (invalid.length === 0) return ok('no invalid indexes');
    return {
      status: 'warn',
      message: `${plural(invalid.length, 'invalid index', 'invalid indexes')} (a failed CREATE INDEX CONCURRENTLY: never used for reads, still updated on every write): ${invalid.map((i) => `${i.table}.${i.index}`).join(', ')}`,
      evidence: { indexes: invalid },
      fix: `Rebuild it without blocking writes (a reviewed change), or drop it and create it again: ${invalid.map((i) => i.reindex).join(' ')}`,
    };
  };
}
