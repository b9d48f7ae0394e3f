/**
 * The per-source settings the lower layers read (engines, guards): one zod schema each, composed
 * into the config schema by src/config/schema.ts, so their types are defined once.
 */
import { z } from 'zod';

export const LimitsSchema = z
  .object({
    max_rows: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(500)
      .describe('Rows returned per query at most; the result says when it was cut.'),
    max_result_bytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(256 * 1024)
      .describe('Rows stop before their JSON passes this size; the result says so.'),
    max_cell_chars: z
      .number()
      .int()
      .min(16)
      .max(10_000_000)
      .default(10_000)
      .describe('A longer value is cut, with a marker saying how much.'),
    statement_timeout_ms: z
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .default(30_000)
      .describe('A statement running longer is cancelled on the server.'),
    connect_timeout_ms: z
      .number()
      .int()
      .min(100)
      .max(120_000)
      .default(5_000)
      .describe('Time allowed to open a connection.'),
    pool_size: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(4)
      .describe('Connections kept open per source (server engines).'),
  })
  .strict();

export const MaskingSchema = z
  .object({
    detect: z
      .boolean()
      .default(true)
      .describe(
        'Mask columns whose names look sensitive: email, phone, ssn, password, token, secret, api_key, card numbers, iban, ...',
      ),
    columns: z
      .array(z.string().min(1))
      .default([])
      .describe('More columns to mask: column, table.column or schema.table.column.'),
    unmask: z.array(z.string().min(1)).default([]).describe('Columns to show even though they look sensitive.'),
  })
  .strict();

export const HealthThresholdsSchema = z
  .object({
    connections_warn_pct: z
      .number()
      .min(1)
      .max(100)
      .default(80)
      .describe('check_health warns when connections in use reach this % of max_connections.'),
    connections_fail_pct: z
      .number()
      .min(1)
      .max(100)
      .default(95)
      .describe('check_health fails at this % of max_connections.'),
    long_query_s: z
      .number()
      .min(0)
      .default(300)
      .describe('A statement running longer than this (seconds) is reported.'),
    long_transaction_s: z
      .number()
      .min(0)
      .default(300)
      .describe('A transaction open longer than this (seconds) is reported.'),
    idle_in_transaction_s: z
      .number()
      .min(0)
      .default(60)
      .describe('A session idle inside an open transaction longer than this (seconds) is reported.'),
    lock_wait_warn_s: z
      .number()
      .min(0)
      .default(5)
      .describe('A session waiting for a lock longer than this (seconds) is reported (warn).'),
    lock_wait_fail_s: z.number().min(0).default(60).describe('A lock wait longer than this (seconds) fails the check.'),
    dead_tuple_pct: z
      .number()
      .min(0)
      .default(20)
      .describe('Dead rows above this % of live rows (and at least dead_tuple_min) mean vacuum is behind.'),
    dead_tuple_min: z.number().int().min(0).default(10_000).describe('Dead rows below this count are never reported.'),
    analyze_stale_pct: z
      .number()
      .min(0)
      .default(20)
      .describe(
        'Rows modified since the last analyze above this % of live rows (at least dead_tuple_min) mean statistics are stale.',
      ),
    xid_age_warn: z
      .number()
      .int()
      .min(1)
      .default(1_000_000_000)
      .describe('PostgreSQL transaction-ID age (of a database or table) that warns of wraparound.'),
    xid_age_fail: z.number().int().min(1).default(1_400_000_000).describe('Transaction-ID age that fails the check.'),
    bloat_pct: z
      .number()
      .min(0)
      .default(50)
      .describe('Estimated bloat above this % of a table or index (and at least bloat_min_mb) is reported.'),
    bloat_min_mb: z
      .number()
      .min(0)
      .default(100)
      .describe('Estimated wasted space below this many MB is never reported.'),
    unused_index_max_scans: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('A non-unique index scanned at most this often since statistics were reset is unused.'),
    sequence_warn_pct: z
      .number()
      .min(1)
      .max(100)
      .default(85)
      .describe("A sequence or auto-increment counter past this % of its type's limit warns."),
    sequence_fail_pct: z.number().min(1).max(100).default(95).describe('Past this % it fails.'),
    cache_hit_min_pct: z.number().min(0).max(100).default(95).describe('Buffer cache hit ratio below this % warns.'),
    replication_lag_warn_s: z.number().min(0).default(60).describe('Replication lag above this (seconds) warns.'),
    replication_lag_fail_s: z.number().min(0).default(300).describe('Replication lag above this (seconds) fails.'),
    sqlite_freelist_pct: z
      .number()
      .min(0)
      .max(100)
      .default(20)
      .describe('SQLite free pages above this % of the file warn (VACUUM reclaims them).'),
    sqlite_wal_mb: z
      .number()
      .min(0)
      .default(64)
      .describe('A SQLite WAL file larger than this (MB) warns: checkpoints are not keeping up.'),
  })
  .strict();

export type Limits = z.infer<typeof LimitsSchema>;
export type MaskingConfig = z.infer<typeof MaskingSchema>;
export type HealthThresholds = z.infer<typeof HealthThresholdsSchema>;
