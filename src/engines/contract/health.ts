/** The engine side of check_health / top_queries / check_security and session actions (#9). */
import type { HealthThresholds } from '../../core/settings.js';

/** ok: nothing wrong; warn / fail: by the source's thresholds; skipped: the check could not run here (message says why, fix says how to enable it). */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skipped';

export interface HealthFinding {
  id: string;
  status: CheckStatus;
  message: string;
  /** The concrete facts: pids, lock modes, relations, waiting times, index definitions, counter values and limits. */
  evidence: Record<string, unknown>;
  /** What to do about it; null when nothing needs doing. */
  fix: string | null;
}

export interface HealthCheckOptions {
  thresholds: HealthThresholds;
  signal?: AbortSignal;
}

/** One check: reads the catalog (never the user read path) and judges by the thresholds. */
export type HealthCheck = (opts: HealthCheckOptions) => Promise<Omit<HealthFinding, 'id'>>;

export type TopQueriesOrder = 'total_time' | 'mean_time' | 'calls' | 'rows';

export interface TopQuery {
  query: string;
  calls: number;
  total_ms: number;
  mean_ms: number;
  rows: number;
  /** Engine-specific extras (e.g. shared blocks read, rows examined). */
  extra: Record<string, number | string | null>;
}

export interface TopQueriesResult {
  /** Where the numbers come from, e.g. pg_stat_statements. */
  source: string;
  available: boolean;
  /** Why not available, and how to enable it; or notes on the data (e.g. since when). */
  note: string | null;
  queries: TopQuery[];
}

export interface SecurityFinding {
  id: string;
  severity: 'critical' | 'warning' | 'info';
  message: string;
  evidence: Record<string, unknown>;
  fix: string | null;
}

export interface SensitiveColumn {
  schema: string;
  table: string;
  column: string;
  type: string;
}

export interface SecurityReport {
  findings: SecurityFinding[];
  sensitive_columns: SensitiveColumn[];
  /** DDL for a least-privilege read-only login for dba-mcp itself, for this engine and database. */
  readonly_login_ddl: string;
}

export type SessionActionKind = 'cancel' | 'terminate';

export interface SessionInfo {
  pid: number;
  user: string | null;
  database: string | null;
  state: string | null;
  query: string | null;
  /** Seconds the current statement (or transaction) has run. */
  running_s: number | null;
  /** When the current statement started (server time, as text): tells a new statement from the cancelled one. */
  started_at: string | null;
  /**
   * When the session itself began, where the engine reuses ids (PostgreSQL backend_start; MySQL/
   * MariaDB `up since <server start>`, as connection ids restart with the server): an approved
   * action checks its pid still names the session the person saw.
   */
  session_start?: string | null;
}

export interface SessionActionResult {
  /** Whether the session existed when the action ran. */
  found: boolean;
  /** The server accepted the cancel / kill. */
  done: boolean;
  /** The session as seen just before the action. */
  before: SessionInfo | null;
  /** Whether the session (terminate) or its statement (cancel) is gone after the action, when known. */
  gone_after: boolean | null;
  message: string;
}

export interface SessionActionOps {
  /** The exact statement that will run, shown to the person approving. */
  statement(action: SessionActionKind, pid: number): string;
  /** The session now, or null when there is none with this id. */
  describe(pid: number): Promise<SessionInfo | null>;
  /**
   * Runs the action on a dedicated connection (never the pooled read path), checking first that the
   * session exists and, given `sessionStart`, that it is still the same session (not a reused pid).
   */
  run(action: SessionActionKind, pid: number, sessionStart?: string | null): Promise<SessionActionResult>;
}

export interface HealthOps {
  /** The checks this engine has, by id, in the order they run. */
  readonly checks: ReadonlyMap<string, HealthCheck>;
  /** The costliest statements; absent where the engine keeps no statement statistics (SQLite). */
  topQueries?(opts: { orderBy: TopQueriesOrder; limit: number }): Promise<TopQueriesResult>;
  /** `isSensitive`: the caller's judgement of which columns hold sensitive data (the masking policy); the engine lists the columns and their tables' protections. */
  securityReport(opts: { isSensitive: (column: SensitiveColumn) => boolean }): Promise<SecurityReport>;
  /** Cancel / terminate; absent where the engine has no server sessions (SQLite). */
  readonly sessions?: SessionActionOps;
}

/** How often one index was used, and its size: for unused-index findings and drop candidates (propose_index). */
export interface IndexUsage {
  schema: string;
  table: string;
  index: string;
  /** Index scans (PostgreSQL idx_scan) or reads through it (MySQL); null when unknown. */
  scans: number | null;
  size_bytes: number | null;
  unique: boolean;
  primary: boolean;
}

export interface IndexUsageReport {
  /** False when the engine keeps no per-index usage counters here (note says why and how to enable them). */
  available: boolean;
  note: string | null;
  /** Since when the counters count (statistics reset or server start), when known. */
  stats_since: string | null;
  indexes: IndexUsage[];
}

export interface IndexUsageFilter {
  schema?: string;
  table?: string;
}
