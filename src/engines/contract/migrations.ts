/**
 * The engine side of plan_migration / apply_migration (#7). Each engine parses a migration with
 * its dialect's real parser and says, per statement, what the server will do (lock, rewrite,
 * scan, online DDL algorithm, SQLite rebuild), which hazards that brings (named after squawk,
 * strong_migrations and Atlas rules), which data checks would show it failing, and the safer
 * steps that replace it. It also dry-runs and applies steps and keeps the history table.
 * Engine-independent planning (sizes, durations, the stored plan) lives in src/migrations/.
 */
import type { TableRef } from '../../core/types.js';
import type { Classification } from '../../core/classification.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Hazard {
  /** Named after the rule it follows, e.g. squawk `require-concurrent-index-creation`. */
  code: string;
  severity: Severity;
  message: string;
  /** The safer way, in words (the rewritten steps, when there are any, are in the plan). */
  safer: string | null;
  /**
   * The severity depends on the table's size: the planner makes it an error on a large table
   * (or one of unknown size) and a warning on a small one.
   */
  sized?: TableRef;
  /** The severity on a small table (default warning), e.g. info for a backfill of a few rows. */
  small?: Severity;
}

/** What a lock held by a statement blocks for other sessions. */
export type Blocks = 'nothing' | 'ddl' | 'writes' | 'reads and writes';

export interface LockFact {
  /** The engine's name for it: ACCESS EXCLUSIVE, SHARE, metadata lock + LOCK=NONE, database write lock... */
  level: string;
  table: string | null;
  blocks: Blocks;
}

export type TableWork = 'none' | 'scan' | 'rewrite' | 'index-build';

export interface TableTouch {
  table: TableRef;
  work: TableWork;
  /** The table is created earlier in the same migration: nothing to lock, rewrite or check. */
  created_here: boolean;
}

export interface OnlineDdl {
  algorithm: 'INSTANT' | 'INPLACE' | 'COPY';
  lock: 'NONE' | 'SHARED' | 'EXCLUSIVE';
  rebuilds_table: boolean;
  /** The statement names the algorithm itself (the server then errors rather than fall back). */
  explicit: boolean;
}

/** A read-only query pair that shows whether existing rows would make a statement fail. */
export interface DataCheck {
  code: string;
  table: TableRef;
  description: string;
  /** Returns one row with one column: how many rows violate. */
  count_sql: string;
  /** Returns a few violating rows. */
  sample_sql: string;
}

/** One step of a plan, before the engine adds its timeouts and transaction control. */
export interface StepDraft {
  /** The statements that do the work, in order (usually one). */
  body: string[];
  /** Runs inside a transaction (false: CONCURRENTLY, MySQL DDL, PRAGMAs around a rebuild). */
  transactional: boolean;
  /** A statement that undoes the step, or null when it cannot be undone. */
  rollback: string | null;
  /** Why the step cannot be undone and what to back up first. */
  irreversible?: { reason: string; backup: string };
  /** What the step is for, e.g. 'expand: add the constraint NOT VALID'. */
  purpose: string;
  /** For a dry run inside a transaction: the equivalent statements when `body` cannot run in one (no CONCURRENTLY). */
  dry_run_body?: string[];
  /** The step locks or scans an existing table long enough to need a generous statement timeout. */
  long_running?: boolean;
}

export interface StatementAnalysis {
  index: number;
  sql: string;
  kind: string;
  locks: LockFact[];
  touches: TableTouch[];
  rewrite: boolean;
  scan: boolean;
  index_rebuild: boolean;
  /** May run inside a transaction block. */
  transactional: boolean;
  online?: OnlineDdl;
  /** SQLite: the change needs the 12-step table rebuild. */
  sqlite_rebuild?: boolean;
  hazards: Hazard[];
  checks: DataCheck[];
  /**
   * What the engine's classifier found in the statement: the planner judges it as request_change's
   * statement guard would (no COPY, DO, SET, server administration, unparseable text).
   */
  classification?: Classification;
  /** An engine's own rule that refuses running it (SQLite: only some PRAGMAs run in a migration). Absent: yes. */
  runnable?: { ok: boolean; reason: string | null };
  /** The explicit transaction block (BEGIN ... COMMIT) of the migration it was written in, numbered from 1. */
  block?: number;
  /** The original statement as a step (with its rollback). */
  original: StepDraft;
  /** Steps that replace it in the safer plan; absent when the original is already the safe form. */
  safer?: StepDraft[];
  notes: string[];
}

export interface MigrationAnalysis {
  server: { variant: string; version: string };
  statements: StatementAnalysis[];
  /** Hazards of the migration as a whole (missing lock_timeout, uncommitted BEGIN...). */
  hazards: Hazard[];
  /** The default schema unqualified names resolve to. */
  default_schema: string;
}

/** A step as stored and run: exactly these statements, in order, on one connection. */
export interface RunnableStep {
  n: number;
  statements: string[];
  transactional: boolean;
  rollback: string | null;
  irreversible?: { reason: string; backup: string };
  purpose: string;
  dry_run_body: string[];
  from_statement: number;
}

export interface StepTimeouts {
  lock_timeout_ms: number;
  statement_timeout_ms: number;
}

export interface DryRunReport {
  outcome: 'rolled-back' | 'failed' | 'not-run';
  reason: string | null;
  /** Per step: ok, or the error it failed with (later steps are not tried). */
  steps: { n: number; ok: boolean; error?: string }[];
}

export interface StepOutcome {
  n: number;
  ok: boolean;
  ms: number;
  rows_affected: number | null;
  error?: { code: string; message: string };
}

export interface HistoryRow {
  id: string;
  name: string;
  sha256: string;
  steps: string;
  requested_by: string;
  approved_by: string;
  started: Date;
  finished: Date | null;
  outcome: string;
}

export interface ToolHistory {
  tool: string;
  table: string;
  latest_version: string | null;
  applied_at: string | null;
}

export interface MigrationOps {
  /** Parses the migration (throws ToolError SQL_SYNTAX) and analyses every statement. */
  analyze(sql: string): Promise<MigrationAnalysis>;
  /** Which per-step timeouts the engine can enforce. */
  readonly timeouts: { lock: boolean; statement: boolean };
  /** The exact statements of a step: timeouts, transaction control and the body. */
  compose(step: StepDraft, timeouts: StepTimeouts): string[];
  /** Runs the steps in one transaction that is rolled back, or says why it cannot. */
  dryRun(steps: readonly RunnableStep[], timeouts: StepTimeouts): Promise<DryRunReport>;
  /** Runs the steps in order on a read-write connection; stops at the first failure. */
  apply(steps: readonly RunnableStep[], onStep: (done: StepOutcome) => void): Promise<StepOutcome[]>;
  /** Creates the history table on first use and inserts or updates one row. */
  recordHistory(row: HistoryRow): Promise<void>;
  /** Quotes an identifier the way the dialect does (for the migration-tool history queries). */
  quoteIdent(name: string): string;
  /** The history table's qualified name, for reports. */
  readonly historyTable: string;
}

/** A statement's analysis before any rule has spoken: no lock, no work, no hazard. */
export function blankAnalysis(index: number, sql: string, kind: string): StatementAnalysis {
  return {
    index,
    sql,
    kind,
    locks: [],
    touches: [],
    rewrite: false,
    scan: false,
    index_rebuild: false,
    transactional: true,
    hazards: [],
    checks: [],
    original: { body: [sql], transactional: true, rollback: null, purpose: 'as written' },
    notes: [],
  };
}

/** `schema.name`, the key tables are matched by. */
export const tableKey = (t: TableRef) => `${t.schema}.${t.name}`;
