/**
 * The contract every engine implements. Tools talk to databases only through this interface and
 * the capability flags; they never switch on an engine's name. Engine facts (SQL text, catalog
 * queries, error codes) stay inside `src/engines/<engine>/`.
 *
 * @example
 *   const engine = await openEngine(source, { logger });
 *   const info = await engine.serverInfo();           // connects lazily, once
 *   const res = await engine.runRead({ sql: 'SELECT 1', maxRows: 500, timeoutMs: 30_000 });
 */
import type { Logger } from '../../core/logging.js';
import type { CellValue, TableRef } from '../../core/types.js';
import type { EngineName, EngineSource } from './source.js';
import type { Classification } from '../../core/classification.js';
import type { ExplainQuery, PlanResult } from './query-plan.js';
import type { IndexAdvisorOps } from './index-advisor.js';
import type { MigrationOps } from './migrations.js';
import type { BackupOps } from './backups.js';
import type { HealthOps } from './health.js';

export type { CellValue, TableRef } from '../../core/types.js';
export type { EngineName, EngineSource, ParsedDsn } from './source.js';

/** What an engine can do; a tool asks these instead of checking the engine's name. */
export interface EngineCapabilities {
  /** Namespaces beyond one default (PostgreSQL schemas, MySQL databases). */
  readonly schemas: boolean;
  /** A running statement can be cancelled on the server. */
  readonly cancel: boolean;
  /** EXPLAIN (without ANALYZE) of a write runs on the read-only path without executing it. */
  readonly explainWrites?: boolean;
  /** The schema an unqualified table name is looked up in first, where the engine has one (PostgreSQL's default search_path: public). */
  readonly defaultSchema?: string;
}

export interface ServerInfo {
  engine: EngineName;
  /** The product actually answering: postgresql, mysql, mariadb or sqlite. */
  variant: string;
  version: string;
}

export interface ColumnMeta {
  name: string;
  type: string;
  /** The table column a result column is read from directly; absent for expressions. For masking. */
  origin?: { schema?: string; table: string; column: string };
}

export interface ReadQuery {
  sql: string;
  params?: readonly CellValue[];
  /** Rows to return at most; one more is fetched to set `truncated` exactly. */
  maxRows: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * The classifier proved the statement cannot change session state, so the connection need not
   * be reset after it. Absent (classifier off): the engine resets as if anything could have changed.
   */
  sessionNeutral?: boolean;
}

export interface QueryResult {
  columns: ColumnMeta[];
  rows: CellValue[][];
  truncated: boolean;
}

export type RelationKind = 'table' | 'view' | 'materialized_view' | 'foreign_table' | 'partitioned_table';

export interface TableSummary extends TableRef {
  kind: RelationKind;
  /** From the catalog's statistics; null when the engine has none yet (never analyzed). */
  row_estimate: number | null;
  size_bytes: number | null;
  comment: string | null;
}

export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  comment: string | null;
}

export interface IndexInfo {
  name: string;
  /** Key columns in order; expressions as the engine prints them. */
  columns: string[];
  /** Non-key columns carried in the index (PostgreSQL INCLUDE); empty elsewhere. */
  include: string[];
  unique: boolean;
  primary: boolean;
  method: string | null;
  /** Partial-index predicate, if any. */
  predicate: string | null;
  /** False for an index the engine will not use (PostgreSQL: a failed CREATE INDEX CONCURRENTLY). */
  valid: boolean;
}

export interface ForeignKeyInfo {
  name: string;
  columns: string[];
  references: TableRef & { columns: string[] };
  on_delete: string | null;
  on_update: string | null;
}

export interface TableDetail extends TableSummary {
  columns: ColumnInfo[];
  primary_key: string[] | null;
  foreign_keys: ForeignKeyInfo[];
  indexes: IndexInfo[];
}

/** Something the login can do beyond reading, found at first connect. */
export interface PostureFinding {
  id: string;
  /** critical: can run programs, touch server files or act as superuser; warning: can change data or schema. */
  severity: 'critical' | 'warning' | 'info';
  message: string;
  fix: string;
}

export interface Posture {
  login: string;
  findings: PostureFinding[];
}

export interface TableFilter {
  /** Only this schema; default: every non-system schema the login can see. */
  schema?: string;
}

export interface ChangeOptions {
  timeoutMs: number;
  /** Run the statement inside a transaction that is rolled back, to report what it would do. */
  dryRun: boolean;
  /** The guard's classification of the statement (write or ddl). */
  classification: Classification;
}

export interface ChangeResult {
  /** Rows the statement changed (null when the engine reports none, e.g. most DDL). */
  rowsAffected: number | null;
  /** For a dry run: rolled back, or not possible (the statement was not run); null for a real run. */
  dryRun: 'rolled-back' | 'not-possible' | null;
  note?: string;
}

export interface EngineAdapter {
  readonly name: EngineName;
  readonly capabilities: EngineCapabilities;
  /** Connects on first use; later calls return the cached answer. */
  serverInfo(): Promise<ServerInfo>;
  /** What the login can do beyond reading (layer 3 of read-only); computed once, then cached. */
  posture(): Promise<Posture>;
  /**
   * What the statement does, from the dialect's real parser, with the functions it calls judged
   * by what this engine knows of them. Never throws for bad SQL: unparseable text is 'unknown'.
   */
  classify(sql: string, params?: readonly CellValue[], signal?: AbortSignal): Promise<Classification>;
  /** Runs exactly one statement in a read-only transaction or connection. */
  runRead(query: ReadQuery): Promise<QueryResult>;
  /**
   * The plan of one statement, normalized (src/engines/plan.ts), on the read-only path. With
   * `analyze` the statement runs (only ever a read: the statement guard makes sure), in a
   * read-only transaction that is rolled back.
   */
  explain(query: ExplainQuery): Promise<PlanResult>;
  /**
   * Runs one approved (or dry-run) write or DDL statement on its own short-lived read-write
   * connection, never the read-only pool: in a transaction committed, or rolled back for a dry run.
   */
  executeChange(sql: string, opts: ChangeOptions): Promise<ChangeResult>;
  listSchemas(): Promise<string[]>;
  /** Tables and views, sorted by schema then name. */
  listTables(filter?: TableFilter): Promise<TableSummary[]>;
  /** Full detail for the named relations, in the order asked; unknown names are left out. */
  describeTables(refs: readonly TableRef[]): Promise<TableDetail[]>;
  /** Optimizer statistics of some columns of one table, where the engine keeps them; columns without any are left out. */
  columnStats?(table: TableRef, columns: readonly string[]): Promise<ColumnStats[]>;
  /** What-if index planning and the facts propose_index needs (src/engines/index-advisor-types.ts). */
  readonly indexAdvisor?: IndexAdvisorOps;
  /** Lock levels, online DDL, pre-checks and dry runs for plan_migration / apply_migration. */
  readonly migrations?: MigrationOps;
  /** Backup readiness, creation and restore verification. */
  readonly backups?: BackupOps;
  /** Health, workload (top queries) and security checks, and session actions. */
  readonly health?: HealthOps;
  close(): Promise<void>;
}

export interface ColumnStats {
  column: string;
  /** Distinct values (estimated), null when unknown. */
  distinct: number | null;
  /** Fraction of rows that are NULL, null when unknown. */
  null_fraction: number | null;
  most_common?: string[];
}

export interface EngineDeps {
  logger: Logger;
}

/** What each engine folder's index.ts exports. */
export interface EngineModule {
  createEngine(source: EngineSource, deps: EngineDeps): EngineAdapter;
}
