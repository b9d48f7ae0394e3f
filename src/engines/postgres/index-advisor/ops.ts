/**
 * The PostgreSQL side of propose_index (#6): query shapes from libpg-query, what-if planning with
 * HypoPG on a connection of its own, real-index confirmation in a rolled-back transaction (only on
 * a read-write source), pg_stats, pg_stat_statements and pg_stat_user_indexes.
 */
import type { IndexAdvisorOps, IndexCandidate, KeyTerm, SessionOpen } from '../../contract/index-advisor.js';
import type { EngineDeps, EngineSource } from '../../contract/engine.js';
import type { PgDriver } from '../core/driver.js';
import { pgQueryShape, quoteIdent } from './shape.js';
import { HypoPgSession } from './session.js';
import { pgRealCheck } from './real.js';
import { pgCollationIsC, pgTableStats, pgWorkload } from './stats.js';
import { pgIndexUsage } from './index-usage.js';

const HYPOPG_HINT =
  'Install HypoPG on the server (Debian/Ubuntu: apt install postgresql-<major>-hypopg, e.g. postgresql-15-hypopg; RHEL: hypopg_<major>) and run CREATE EXTENSION hypopg; in this database. Until then proposals are heuristic.';

export function pgKeySql(term: KeyTerm, opclass?: string | null): string {
  const key = term.column !== undefined ? quoteIdent(term.column) : `(${term.expression!})`;
  return opclass ? `${key} ${opclass}` : key;
}

function indexBody(c: IndexCandidate): string {
  const table = `${quoteIdent(c.table.schema)}.${quoteIdent(c.table.name)}`;
  const keys = c.keys.map((k, i) => pgKeySql(k, c.opclass?.[i])).join(', ');
  const include = c.include.length ? ` INCLUDE (${c.include.map(quoteIdent).join(', ')})` : '';
  return `ON ${table}${c.method === 'btree' ? '' : ` USING ${c.method}`} (${keys})${include}${c.where ? ` WHERE ${c.where}` : ''}`;
}

export function createIndexAdvisor(
  driver: PgDriver,
  source: EngineSource,
  _deps: EngineDeps,
): IndexAdvisorOps | undefined {
  let collationC: Promise<boolean> | undefined;
  return {
    shape: (sql, hasColumn) => pgQueryShape(sql, hasColumn),
    tableStats: (table, columns) => pgTableStats(driver, table, columns),
    async openSession({ timeoutMs, signal }): Promise<SessionOpen> {
      const [ext] = await driver.catalog<{ installed: boolean; available: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'hypopg') AS installed, EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg') AS available`,
      );
      if (!ext?.installed) {
        const why = ext?.available
          ? 'HypoPG is available on the server but not created in this database: run CREATE EXTENSION hypopg;'
          : `HypoPG is not installed. ${HYPOPG_HINT}`;
        return { ok: false, notes: [`${why} Without it, proposals are heuristic (not verified by the planner).`] };
      }
      return {
        ok: true,
        session: await HypoPgSession.open(
          source,
          driver.where,
          timeoutMs,
          (c) => `CREATE INDEX ${indexBody(c)}`,
          signal,
        ),
        notes: [],
      };
    },
    ...(source.mode === 'read-write'
      ? {
          realCheck: (candidate, queries, opts) =>
            pgRealCheck(
              source,
              driver.where,
              `CREATE INDEX dba_mcp_probe_idx ${indexBody(candidate)}`,
              candidate.table,
              queries,
              opts,
            ),
        }
      : {}),
    workload: (limit) => pgWorkload(driver, limit),
    indexUsage: (filter) => pgIndexUsage(driver, filter),
    ddl: (c, name) => `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(name)} ${indexBody(c)};`,
    keySql: pgKeySql,
    prefixOpclass: async () => ((await (collationC ??= pgCollationIsC(driver))) ? null : 'text_pattern_ops'),
    tableSql: (t) => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`,
    supports: { partial: true, include: true, expression: true, brin: true },
    literal: (v) => `'${v.replace(/'/g, "''")}'`,
    placeholder: 'dollar',
  };
}
