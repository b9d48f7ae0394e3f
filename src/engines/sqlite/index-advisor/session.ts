/**
 * SQLite what-if, the way the sqlite3 shell's .expert works: an in-memory database holding a copy
 * of the source's schema (tables, indexes, views; no rows) and its statistics (sqlite_stat1 rows
 * copied from the source, or made from the row counts and distinct values measured by reads, since
 * the copy has no data to ANALYZE). A hypothetical index is a real index on the empty copy plus a
 * sqlite_stat1 row describing it; EXPLAIN QUERY PLAN on the copy then says whether the planner
 * would use it. The source file is only ever read.
 */
import Database from 'better-sqlite3';
import type {
  HypotheticalIndex,
  IndexCandidate,
  PlannedQuery,
  TableStats,
  WhatIfCost,
  WhatIfSession,
} from '../../contract/index-advisor.js';
import type { SqliteDriver } from '../core/driver.js';

export interface SqliteCopyInput {
  driver: SqliteDriver;
  /** Statistics the advisor measured, by table name: for stat1 rows of tables and hypothetical indexes. */
  stats: () => ReadonlyMap<string, TableStats>;
  body: (c: IndexCandidate) => string;
}

export class SqliteWhatIf implements WhatIfSession {
  readonly verifiedBy = 'whatif' as const;
  #next = 1;

  private constructor(
    private readonly db: Database.Database,
    private readonly input: SqliteCopyInput,
  ) {}

  static open(input: SqliteCopyInput): SqliteWhatIf {
    const db = new Database(':memory:');
    const schema = input.driver.all<{ type: string; name: string; sql: string }>(
      `SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END`,
    );
    for (const o of schema) {
      try {
        // exactly one CREATE statement per entry: a crafted file's schema text may carry more (ATTACH writes files)
        if (/^\s*CREATE\b/i.test(o.sql)) db.prepare(o.sql).run();
      } catch {
        // a virtual table whose module is missing here, a trigger on one: the rest still plans
      }
    }
    db.exec('ANALYZE; DELETE FROM sqlite_stat1'); // creates sqlite_stat1 in the empty copy, then empties it
    const copied = copyStat1(input.driver, db);
    for (const [table, s] of input.stats()) {
      if (!copied.has(table) && s.rows !== null)
        db.prepare('INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, NULL, ?)').run(
          table,
          String(Math.max(1, Math.round(s.rows))),
        );
    }
    db.exec('ANALYZE sqlite_schema'); // loads the statistics into the planner
    return new SqliteWhatIf(db, input);
  }

  async cost(q: PlannedQuery): Promise<WhatIfCost> {
    const rows = this.db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[];
    const used = new Set<string>();
    const fullScans: string[] = [];
    for (const { detail } of rows) {
      const ix = /USING (?:COVERING )?INDEX (\S+)/.exec(detail)?.[1];
      if (ix) used.add(ix);
      const scan = /^SCAN (?:TABLE )?(\S+)(?: AS \S+)?$/.exec(detail);
      if (scan) fullScans.push(scan[1]!);
    }
    return { cost: null, used: [...used], fullScans };
  }

  async add(c: IndexCandidate): Promise<HypotheticalIndex> {
    const name = `dba_mcp_hypo_${this.#next++}`;
    this.db.exec(`CREATE INDEX ${name} ${this.input.body(c)}`);
    const s = this.input.stats().get(c.table.name);
    if (s?.rows) {
      const per: string[] = [];
      let distinct = 1;
      for (const k of c.keys) {
        distinct *= (k.column ? s.columns.get(k.column)?.distinct : null) ?? 10;
        per.push(String(Math.max(1, Math.round(s.rows / Math.min(distinct, s.rows)))));
      }
      this.db
        .prepare('INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)')
        .run(c.table.name, name, `${Math.round(s.rows)} ${per.join(' ')}`);
      this.db.exec('ANALYZE sqlite_schema');
    }
    return { name, sizeBytes: null };
  }

  async remove(index: HypotheticalIndex): Promise<void> {
    this.db.exec(`DROP INDEX IF EXISTS ${index.name}`);
    this.db.prepare('DELETE FROM sqlite_stat1 WHERE idx = ?').run(index.name);
    this.db.exec('ANALYZE sqlite_schema');
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** The source's sqlite_stat1 rows, when it was ever analyzed; returns the tables they describe. */
function copyStat1(driver: SqliteDriver, db: Database.Database): Set<string> {
  const tables = new Set<string>();
  let rows: { tbl: string; idx: string | null; stat: string }[] = [];
  try {
    rows = driver.all('SELECT tbl, idx, stat FROM sqlite_stat1');
  } catch {
    return tables; // never analyzed
  }
  const insert = db.prepare('INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)');
  for (const r of rows) {
    insert.run(r.tbl, r.idx, r.stat);
    tables.add(r.tbl);
  }
  return tables;
}
