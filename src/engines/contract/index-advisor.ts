/**
 * The engine side of propose_index (#6). An engine gives three things: the shape of a query as its
 * dialect's real parser reads it (which tables it reads, with which predicates, joins, sort and
 * grouping keys), a what-if session that plans queries under hypothetical indexes (HypoPG on
 * PostgreSQL, an in-memory copy of the schema on SQLite; none on MySQL/MariaDB), and its workload
 * (the heaviest statements). Candidate generation, selection and rendering are engine-independent
 * (src/tools/index-advice/).
 */
import type { CellValue, TableRef } from '../../core/types.js';
import type { IndexUsageFilter, IndexUsageReport } from './health.js';

/** A literal from the query, or a placeholder ($1, ?) whose value comes from column statistics. */
export type PredicateValue = { literal: string } | { param: number } | { expression: true };

/** What a predicate (or a sort/group term) reads: a plain column, or an expression over columns. */
export interface KeyTerm {
  /** A plain column name (as stored: unquoted, case kept). */
  column?: string;
  /** An expression in the engine's own SQL, ready for CREATE INDEX, e.g. `lower(email)`, `(created_at::date)`. */
  expression?: string;
  /** The columns the expression reads (the column itself for a plain column). */
  columns: string[];
}

export type PredicateOp = 'eq' | 'in' | 'range' | 'prefix' | 'is_null' | 'not_null' | 'neq' | 'pattern';

export interface Predicate {
  term: KeyTerm;
  op: PredicateOp;
  /** Constants compared with the term (one for =, < ...; two for BETWEEN; the list for IN). */
  values: PredicateValue[];
  /** The predicate as written (for a partial index's WHERE and for the report). */
  text: string;
}

export interface SortTerm {
  term: KeyTerm;
  desc: boolean;
}

/** One table read by the query (each occurrence counts: a self-join reads the table twice). */
export interface TableAccess {
  table: TableRef & { schemaGiven: boolean };
  alias: string;
  /** ANDed predicates on this table alone. */
  predicates: Predicate[];
  /** Columns of this table equated with another table's columns (join keys, correlated subqueries). */
  joinColumns: string[];
  /** ORDER BY / GROUP BY terms that are all on this table (empty otherwise). */
  orderBy: SortTerm[];
  groupBy: KeyTerm[];
  /** Columns of this table the query reads anywhere; null when it reads all of them (`*`). */
  referenced: string[] | null;
  /**
   * ORed filters whose every branch is on this table alone: per OR, the ANDed predicates of each
   * branch (an index per branch lets the engine combine them, BitmapOr on PostgreSQL). PostgreSQL only.
   */
  orBranches?: Predicate[][][];
}

export interface QueryShape {
  accesses: TableAccess[];
  /** LIMIT given (a constant or a placeholder). */
  limit: boolean;
  /** The statement is a read (SELECT) rather than an UPDATE/DELETE. */
  isRead: boolean;
  /** Placeholders in the text ($n / ?), in order of number. */
  params: number;
  /** Filters that are an OR of conditions (no single index serves them). */
  orFilters: number;
}

/** An index to try: ordered key terms, optional INCLUDE columns, a partial-index predicate, a method. */
export interface IndexCandidate {
  table: TableRef;
  keys: KeyTerm[];
  include: string[];
  /** Partial-index predicate, in the engine's SQL. */
  where: string | null;
  /** btree unless said otherwise (brin). */
  method: 'btree' | 'brin';
  /** Per key: the operator class (PostgreSQL text_pattern_ops for LIKE 'abc%' under a non-C collation). */
  opclass?: (string | null)[];
  /** Why it was generated: equality, range, join, sort, group, covering, expression, partial, brin. */
  kind: CandidateKind;
  /** Generated for one branch of an OR (`group` names the OR): useful only with an index per branch. */
  orBranch?: { group: string; branch: number };
}

export type CandidateKind =
  'equality' | 'range' | 'join' | 'sort' | 'group' | 'covering' | 'expression' | 'partial' | 'brin';

export type VerifiedBy = 'hypopg' | 'real-rollback' | 'whatif' | 'heuristic';

/** A query ready to plan: its text and the values its placeholders take. */
export interface PlannedQuery {
  sql: string;
  params: CellValue[];
}

export interface WhatIfCost {
  /** The planner's total cost; null where the engine gives none (SQLite). */
  cost: number | null;
  /** Names of hypothetical indexes the plan uses. */
  used: string[];
  /** Tables the plan reads in full (relation names). */
  fullScans: string[];
}

export interface HypotheticalIndex {
  name: string;
  sizeBytes: number | null;
}

/** Plans queries under hypothetical indexes, on a connection of its own that nothing else uses. */
export interface WhatIfSession {
  readonly verifiedBy: 'hypopg' | 'whatif';
  cost(query: PlannedQuery): Promise<WhatIfCost>;
  add(candidate: IndexCandidate): Promise<HypotheticalIndex>;
  remove(index: HypotheticalIndex): Promise<void>;
  close(): Promise<void>;
}

export interface RealCheck {
  costBefore: number;
  costAfter: number;
  /** Measured run time without and with the index (EXPLAIN ANALYZE), when every query is a read. */
  msBefore: number | null;
  msAfter: number | null;
  sizeBytes: number;
  used: boolean;
}

export interface TableStats {
  rows: number | null;
  /** Rows inserted, updated and deleted since the statistics were reset (write cost evidence), where the engine counts them. */
  writes?: number | null;
  /** Per column: distinct values (estimate), fraction of nulls, physical order correlation (-1..1), most common values with frequencies. */
  columns: Map<string, ColumnFacts>;
}

export interface ColumnFacts {
  distinct: number | null;
  nullFraction: number | null;
  correlation: number | null;
  mcv: { value: string; freq: number }[];
  /** Histogram bounds (sorted), where the engine keeps them. */
  bounds: string[];
}

export interface WorkloadEntry {
  sql: string;
  calls: number;
  totalMs: number;
}

export type SessionOpen = { ok: true; session: WhatIfSession; notes: string[] } | { ok: false; notes: string[] };

export interface IndexAdvisorOps {
  /** The query as the dialect's parser reads it; throws a ToolError for SQL it cannot parse. */
  shape(sql: string, hasColumn?: (table: string, column: string) => boolean): Promise<QueryShape>;
  /** Planner statistics of the columns of one table (for parameter values, selectivity, BRIN). */
  tableStats(table: TableRef, columns: readonly string[]): Promise<TableStats>;
  /** A what-if session, or why there is none (and how to get one). */
  openSession(opts: { timeoutMs: number; signal?: AbortSignal }): Promise<SessionOpen>;
  /**
   * Builds the index for real inside a transaction that is rolled back (after ANALYZE of the table
   * in it) and plans the queries with it (runs them with EXPLAIN ANALYZE when `analyze`: reads
   * only, in the same rolled-back transaction); only on a read-write source and a table under the
   * size limit. Undefined when the engine cannot (MySQL DDL commits) or the source is read-only.
   */
  realCheck?(
    candidate: IndexCandidate,
    queries: readonly PlannedQuery[],
    opts: { timeoutMs: number; maxTableBytes: number; analyze: boolean },
  ): Promise<RealCheck | { skipped: string }>;
  /** The heaviest statements by total time (pg_stat_statements / performance_schema digests). */
  workload(limit: number): Promise<WorkloadEntry[]>;
  /** Per-index scan counts (unused-index evidence), from the engine's index-usage module (shared with check_health). */
  indexUsage(filter: IndexUsageFilter): Promise<IndexUsageReport>;
  /** DDL safe to run on a busy table (CONCURRENTLY / ALGORITHM=INPLACE, LOCK=NONE), and the index name it uses. */
  ddl(candidate: IndexCandidate, name: string): string;
  /** How the engine writes a key term inside CREATE INDEX (expression parentheses, opclass). */
  keySql(term: KeyTerm, opclass?: string | null): string;
  /** What a key needs for LIKE 'abc%' to use it: PostgreSQL text_pattern_ops (non-C collation), SQLite COLLATE NOCASE; null: a plain index serves it. */
  prefixOpclass(): Promise<string | null>;
  /** The table as the engine writes it in SQL (quoted where needed). */
  tableSql(table: TableRef): string;
  /** Partial indexes, INCLUDE, expression and BRIN indexes: what this engine supports. */
  readonly supports: { partial: boolean; include: boolean; expression: boolean; brin: boolean };
  /** How the engine renders a literal value for substitution into SQL text. */
  literal(value: string): string;
  /** The placeholder text for param n (1-based): `$1` or `?`. */
  readonly placeholder: 'dollar' | 'question';
}
