/**
 * Index findings shared by every engine: duplicate / redundant indexes (from indexOverlaps over
 * each table's IndexInfo[]), unused indexes (from the engine's usage counters) and invalid ones.
 * The engine supplies the facts and the DROP statement in its dialect.
 */
import type { IndexInfo } from '../../contract/engine.js';
import type { HealthThresholds } from '../../../core/settings.js';
import type { IndexUsageReport } from '../../contract/health.js';
import { indexOverlaps } from '../index-overlap.js';
import { ok, plural, skipped, type CheckResult } from './judge.js';

export interface DefinedIndex extends IndexInfo {
  /** The index as the engine prints it (PostgreSQL pg_get_indexdef, MySQL KEY ..., SQLite CREATE INDEX). */
  definition: string;
  size_bytes: number | null;
}

export interface TableIndexes {
  schema: string;
  table: string;
  indexes: DefinedIndex[];
}

export type DropIndexSql = (schema: string, table: string, index: string) => string;

/** A message names at most this many indexes; the evidence holds at most MAX_LISTED. */
const MAX_NAMED = 10;
const MAX_LISTED = 200;

function names(items: readonly string[]): string {
  return items.length > MAX_NAMED
    ? `${items.slice(0, MAX_NAMED).join(', ')}, ... (${items.length} in all)`
    : items.join(', ');
}

const qualifiedName = (schema: string, table: string) => (schema ? `${schema}.${table}` : table);

export function overlapFinding(tables: readonly TableIndexes[], dropSql: DropIndexSql): CheckResult {
  const found = tables.flatMap((t) => {
    const byName = new Map(t.indexes.map((i) => [i.name, i]));
    return indexOverlaps(t.indexes).map((o) => ({
      kind: o.kind,
      table: qualifiedName(t.schema, t.table),
      index: o.index,
      definition: byName.get(o.index)?.definition ?? null,
      size_bytes: byName.get(o.index)?.size_bytes ?? null,
      covered_by: o.covered_by,
      covered_by_definition: byName.get(o.covered_by)?.definition ?? null,
      reason: o.reason,
      drop: dropSql(t.schema, t.table, o.index),
    }));
  });
  if (found.length === 0)
    return ok(
      `no duplicate or redundant indexes among ${plural(
        tables.reduce((n, t) => n + t.indexes.length, 0),
        'index',
        'indexes',
      )}`,
    );
  const dups = found.filter((f) => f.kind === 'duplicate').length;
  const message = `${plural(dups, 'duplicate index', 'duplicate indexes')} and ${plural(found.length - dups, 'redundant-prefix index', 'redundant-prefix indexes')}: ${names(found.map((f) => `${f.table}.${f.index} (covered by ${f.covered_by})`))}`;
  return {
    status: 'warn',
    message,
    evidence: { total: found.length, indexes: found.slice(0, MAX_LISTED) },
    fix: `Each costs writes and disk for nothing: drop it after checking no query hints it by name (a reviewed change through request_change): ${found
      .slice(0, MAX_NAMED)
      .map((f) => f.drop)
      .join(' ')}${found.length > MAX_NAMED ? ' ...' : ''}`,
  };
}

export interface UnusedContext {
  usage: IndexUsageReport;
  thresholds: HealthThresholds;
  /** Index definitions by `schema.table.index`, for evidence. */
  definitions?: ReadonlyMap<string, string>;
  /** Indexes that enforce a constraint and so are never unused (beyond unique/primary), by `schema.table.index`. */
  constraintBacked?: ReadonlySet<string>;
  dropSql: DropIndexSql;
}

export const usageKey = (schema: string, table: string, index: string) => `${schema}.${table}.${index}`;

export function unusedFinding({
  usage,
  thresholds,
  definitions,
  constraintBacked,
  dropSql,
}: UnusedContext): CheckResult {
  if (!usage.available)
    return skipped('index usage is not recorded here, so unused indexes cannot be told from used ones', usage.note);
  const unused = usage.indexes.filter(
    (i) =>
      !i.unique &&
      !i.primary &&
      i.scans !== null &&
      i.scans <= thresholds.unused_index_max_scans &&
      !constraintBacked?.has(usageKey(i.schema, i.table, i.index)),
  );
  const since = usage.stats_since ? ` since ${usage.stats_since}` : '';
  if (unused.length === 0)
    return ok(`every non-unique index was used more than ${thresholds.unused_index_max_scans} times${since}`, {
      stats_since: usage.stats_since,
    });
  const evidence = unused.map((i) => ({
    table: qualifiedName(i.schema, i.table),
    index: i.index,
    scans: i.scans,
    size_bytes: i.size_bytes,
    definition: definitions?.get(usageKey(i.schema, i.table, i.index)) ?? null,
    drop: dropSql(i.schema, i.table, i.index),
  }));
  return {
    status: 'warn',
    message: `${plural(unused.length, 'index', 'indexes')} scanned at most ${thresholds.unused_index_max_scans} times${since}: ${names(evidence.map((e) => `${e.table}.${e.index}`))}`,
    evidence: {
      stats_since: usage.stats_since,
      counters: usage.note,
      total: evidence.length,
      indexes: evidence.slice(0, MAX_LISTED),
    },
    fix: `Confirm over a full business cycle (month-end jobs) and on every replica (each counts its own scans), then drop through a reviewed change: ${evidence
      .slice(0, MAX_NAMED)
      .map((e) => e.drop)
      .join(' ')}${evidence.length > MAX_NAMED ? ' ...' : ''}`,
  };
}
