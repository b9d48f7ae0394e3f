/**
 * The one config schema: it validates the file, the environment and the flags, and its inferred
 * type is the config type. Every object is strict: an unknown or misspelled key stops the server
 * at start, because a typo in a safety setting must never be silently ignored.
 */
import { z } from 'zod';
import { isLoopback } from '../transports/http-guard.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const LimitsSchema = z
  .object({
    max_rows: z.number().int().min(1).max(100_000).default(500).describe('Rows returned per query at most; the result says when it was cut.'),
    max_result_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(256 * 1024).describe('Rows stop before their JSON passes this size; the result says so.'),
    max_cell_chars: z.number().int().min(16).max(10_000_000).default(10_000).describe('A longer value is cut, with a marker saying how much.'),
    statement_timeout_ms: z.number().int().min(100).max(3_600_000).default(30_000).describe('A statement running longer is cancelled on the server.'),
    connect_timeout_ms: z.number().int().min(100).max(120_000).default(5_000).describe('Time allowed to open a connection.'),
    pool_size: z.number().int().min(1).max(100).default(4).describe('Connections kept open per source (server engines).'),
  })
  .strict();

export const MaskingSchema = z
  .object({
    detect: z.boolean().default(true).describe('Mask columns whose names look sensitive: email, phone, ssn, password, token, secret, api_key, card numbers, iban, ...'),
    columns: z.array(z.string().min(1)).default([]).describe('More columns to mask: column, table.column or schema.table.column.'),
    unmask: z.array(z.string().min(1)).default([]).describe('Columns to show even though they look sensitive.'),
  })
  .strict();

export const HealthThresholdsSchema = z
  .object({
    connections_warn_pct: z.number().min(1).max(100).default(80).describe('check_health warns when connections in use reach this % of max_connections.'),
    connections_fail_pct: z.number().min(1).max(100).default(95).describe('check_health fails at this % of max_connections.'),
    long_query_s: z.number().min(0).default(300).describe('A statement running longer than this (seconds) is reported.'),
    long_transaction_s: z.number().min(0).default(300).describe('A transaction open longer than this (seconds) is reported.'),
    idle_in_transaction_s: z.number().min(0).default(60).describe('A session idle inside an open transaction longer than this (seconds) is reported.'),
    lock_wait_warn_s: z.number().min(0).default(5).describe('A session waiting for a lock longer than this (seconds) is reported (warn).'),
    lock_wait_fail_s: z.number().min(0).default(60).describe('A lock wait longer than this (seconds) fails the check.'),
    dead_tuple_pct: z.number().min(0).default(20).describe('Dead rows above this % of live rows (and at least dead_tuple_min) mean vacuum is behind.'),
    dead_tuple_min: z.number().int().min(0).default(10_000).describe('Dead rows below this count are never reported.'),
    analyze_stale_pct: z.number().min(0).default(20).describe('Rows modified since the last analyze above this % of live rows (at least dead_tuple_min) mean statistics are stale.'),
    xid_age_warn: z.number().int().min(1).default(1_000_000_000).describe('PostgreSQL transaction-ID age (of a database or table) that warns of wraparound.'),
    xid_age_fail: z.number().int().min(1).default(1_400_000_000).describe('Transaction-ID age that fails the check.'),
    bloat_pct: z.number().min(0).default(50).describe('Estimated bloat above this % of a table or index (and at least bloat_min_mb) is reported.'),
    bloat_min_mb: z.number().min(0).default(100).describe('Estimated wasted space below this many MB is never reported.'),
    unused_index_max_scans: z.number().int().min(0).default(0).describe('A non-unique index scanned at most this often since statistics were reset is unused.'),
    sequence_warn_pct: z.number().min(1).max(100).default(85).describe('A sequence or auto-increment counter past this % of its type\'s limit warns.'),
    sequence_fail_pct: z.number().min(1).max(100).default(95).describe('Past this % it fails.'),
    cache_hit_min_pct: z.number().min(0).max(100).default(95).describe('Buffer cache hit ratio below this % warns.'),
    replication_lag_warn_s: z.number().min(0).default(60).describe('Replication lag above this (seconds) warns.'),
    replication_lag_fail_s: z.number().min(0).default(300).describe('Replication lag above this (seconds) fails.'),
    sqlite_freelist_pct: z.number().min(0).max(100).default(20).describe('SQLite free pages above this % of the file warn (VACUUM reclaims them).'),
    sqlite_wal_mb: z.number().min(0).default(64).describe('A SQLite WAL file larger than this (MB) warns: checkpoints are not keeping up.'),
  })
  .strict();

export const SourceSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a source id is 1 to 64 letters, digits, "_" or "-"')
      .describe('The name tools use to pick this source.'),
    dsn: z.string().min(1).describe('postgres://, mysql://, mariadb:// or sqlite:// connection string; use ${ENV_VAR} for secrets.'),
    description: z.string().max(500).optional(),
    mode: z.enum(['read-only', 'read-write']).default('read-only'),
    privilege_check: z.enum(['warn', 'enforce']).default('warn').describe('enforce: refuse to serve a read-only source through a login that can do more than read.'),
    deny_tables: z
      .array(z.string().regex(/^(\*|[^.*]+)(\.(\*|[^.*]+))?$/, 'a pattern is table, schema.table, schema.* or *.table'))
      .default([])
      .describe('Tables no query may read (also through views) and describe_schema hides.'),
    limits: LimitsSchema.prefault({}),
    masking: MaskingSchema.prefault({}),
    health: HealthThresholdsSchema.prefault({}).describe('Thresholds of check_health.'),
    backups: z
      .object({
        dir: z.string().min(1).describe('Where create_backup writes and check_backups looks; a relative path is relative to the state dir.'),
        max_age_hours: z.number().positive().max(24 * 366).default(24).describe('The newest backup (and the newest proven by a restore) must be younger than this.'),
        scratch_dsn: z.string().min(1).optional().describe('Server (PostgreSQL, MySQL/MariaDB) where verify_backup creates and drops its scratch database; default: the source\'s own server.'),
        pgbackrest_stanza: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional().describe('PostgreSQL: the pgBackRest stanza of this source, for check_backups (pgbackrest --stanza=... info).'),
      })
      .strict()
      .optional()
      .describe('Backup checks, creation and restore tests; without it check_backups says no backup dir is configured.'),
  })
  .strict();

export const TransportSchema = z
  .object({
    type: z.enum(['stdio', 'http']).default('stdio'),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(8377),
    allowed_hosts: z.array(z.string().min(1)).default([]).describe('Extra Host header values accepted (DNS-rebinding guard).'),
    allowed_origins: z.array(z.string().min(1)).default([]).describe('Extra Origin header values accepted.'),
    auth_token: z.string().min(16, 'auth_token must be at least 16 characters').optional(),
    admin_token: z.string().min(16, 'admin_token must be at least 16 characters').optional().describe('Bearer token of the /admin/approvals endpoint (a person approving changes); never the MCP token.'),
    session_idle_timeout_s: z.number().int().min(10).max(86_400).default(1800).describe('An HTTP session with no request for this long is closed.'),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.admin_token !== undefined && t.admin_token === t.auth_token) {
      ctx.addIssue({ code: 'custom', path: ['admin_token'], message: 'admin_token must differ from auth_token: a client holding the MCP token must not be able to approve changes' });
    }
    if (t.type === 'http' && !isLoopback(t.host) && !t.auth_token) {
      ctx.addIssue({ code: 'custom', path: ['host'], message: `binding ${t.host} (not a loopback address) requires transport.auth_token (or DBA_MCP_AUTH_TOKEN): anyone on the network could use your databases` });
    }
  });

export const LogSchema = z
  .object({
    level: z.enum(LOG_LEVELS).default('info'),
    file: z.string().min(1).optional(),
  })
  .strict();

export const AuditSchema = z
  .object({
    path: z.string().regex(/\.jsonl$/, 'audit.path names the log file and must end in .jsonl').optional().describe('The audit log file (.jsonl); rotated files and the lock sit beside it. Default: <state_dir>/audit/audit.jsonl.'),
    max_file_mb: z.number().min(1).max(4096).default(64).describe('The file is rotated (renamed audit-NNNNNN.jsonl) before it grows past this; the chain runs on.'),
    redact_literals: z.boolean().default(false).describe('Record SQL with its literals replaced by placeholders (PostgreSQL), or not at all (other engines).'),
  })
  .strict();

export const ApprovalsSchema = z
  .object({
    ttl_minutes: z.number().int().min(1).max(7 * 24 * 60).default(60).describe('A pending change not approved within this many minutes expires and can no longer be approved.'),
  })
  .strict();

export const ConfigSchema = z
  .object({
    sources: z.array(SourceSchema).default([]),
    transport: TransportSchema.prefault({}),
    state_dir: z.string().min(1).optional(),
    log: LogSchema.prefault({}),
    audit: AuditSchema.prefault({}),
    approvals: ApprovalsSchema.prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.sources.forEach((source, i) => {
      if (seen.has(source.id)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${source.id}"` });
      seen.add(source.id);
    });
  });

export type Config = z.infer<typeof ConfigSchema>;
export type SourceConfig = z.infer<typeof SourceSchema>;
export type Limits = z.infer<typeof LimitsSchema>;
export type HealthThresholds = z.infer<typeof HealthThresholdsSchema>;
export type TransportConfig = z.infer<typeof TransportSchema>;
export type AuditConfig = z.infer<typeof AuditSchema>;
export type ApprovalsConfig = z.infer<typeof ApprovalsSchema>;
