/** PostgreSQL sequences near exhaustion, cache hit ratio, replication lag and slots. */
import type { HealthCheck } from '../../contract/health.js';
import { level, ok, pct, plural, secs } from '../../kit/health/judge.js';
import type { PgDriver } from '../core/driver.js';

interface SequenceRow {
  sequence: string;
  seq_type: string;
  last_value: string;
  seq_max: string;
  column: string | null;
  column_type: string | null;
  limit: string;
  used_pct: number;
}

/**
 * The limit is the lower of the sequence's max and its column's type: an int4 column fed by a
 * bigint sequence fails at 2^31-1. pg_sequences.last_value is NULL for a never-used sequence.
 */
const SEQUENCES_SQL = `
  WITH s AS (
    SELECT s.schemaname, s.sequencename, s.data_type::text AS seq_type, s.last_value, s.max_value, s.min_value, o.col, o.col_type
    FROM pg_sequences s
    LEFT JOIN LATERAL (
      SELECT a.attrelid::regclass::text || '.' || a.attname AS col, format_type(a.atttypid, NULL) AS col_type
      FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        AND d.objid = (quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass
      LIMIT 1) o ON true
    WHERE s.last_value IS NOT NULL AND s.increment_by > 0 AND s.schemaname NOT IN ('pg_catalog', 'information_schema'))
  SELECT schemaname || '.' || sequencename AS sequence, seq_type, last_value::text, max_value::text AS seq_max, col AS column, col_type AS column_type, lim::text AS limit,
    round(100.0 * (last_value - min_value) / greatest(lim - min_value, 1), 2)::float8 AS used_pct
  FROM (SELECT *, least(max_value, CASE col_type WHEN 'smallint' THEN 32767 WHEN 'integer' THEN 2147483647 ELSE max_value END) AS lim FROM s) x
  ORDER BY used_pct DESC`;

export function sequences(driver: PgDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const rows = await driver.catalog<SequenceRow>(SEQUENCES_SQL);
    const near = rows.filter((r) => r.used_pct >= t.sequence_warn_pct).slice(0, 20);
    if (near.length === 0)
      return ok(
        `no sequence past ${t.sequence_warn_pct}% of its limit (${plural(rows.length, 'sequence')} in use; highest ${rows[0]?.used_pct ?? 0}%)`,
      );
    const status = level(near[0]!.used_pct, t.sequence_warn_pct, t.sequence_fail_pct);
    const evidence = near.map((r) => ({
      sequence: r.sequence,
      last_value: r.last_value,
      max_value: r.seq_max,
      sequence_type: r.seq_type,
      column: r.column,
      column_type: r.column_type,
      limit: r.limit,
      used_pct: r.used_pct,
    }));
    const intColumns = near.filter((r) => r.column && (r.column_type === 'integer' || r.column_type === 'smallint'));
    return {
      status,
      message: `${plural(near.length, 'sequence')} near exhaustion: ${near.map((r) => `${r.sequence} at ${r.last_value} of ${r.limit} (${r.used_pct}%)${r.column ? ` feeding ${r.column} ${r.column_type}` : ''}`).join(', ')}`,
      evidence: { sequences: evidence },
      fix: intColumns.length
        ? `Widen the column${intColumns.length > 1 ? 's' : ''} to bigint before the limit is reached (plan_migration: ALTER TABLE ... ALTER COLUMN ... TYPE bigint rewrites the table; a new column plus backfill avoids the long lock), and the sequence with ALTER SEQUENCE ... AS bigint.`
        : 'Raise the limit with ALTER SEQUENCE ... AS bigint MAXVALUE ... (a reviewed change), or plan a wider key.',
    };
  };
}

export function cacheHit(driver: PgDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const [r] = await driver.catalog<{
      hit: number;
      read: number;
      index_hit: number | null;
      index_read: number | null;
      since: string | null;
    }>(`
      SELECT d.blks_hit::float8 AS hit, d.blks_read::float8 AS read, coalesce(d.stats_reset, pg_postmaster_start_time())::text AS since,
        (SELECT sum(idx_blks_hit)::float8 FROM pg_statio_user_indexes) AS index_hit, (SELECT sum(idx_blks_read)::float8 FROM pg_statio_user_indexes) AS index_read
      FROM pg_stat_database d WHERE d.datname = current_database()`);
    const total = (r?.hit ?? 0) + (r?.read ?? 0);
    const ratio = pct(r?.hit ?? 0, total);
    const indexTotal = (r?.index_hit ?? 0) + (r?.index_read ?? 0);
    const evidence = {
      hit_pct: ratio,
      blocks_hit: r?.hit ?? 0,
      blocks_read: r?.read ?? 0,
      index_hit_pct: indexTotal ? pct(r?.index_hit ?? 0, indexTotal) : null,
      since: r?.since ?? null,
      threshold_pct: t.cache_hit_min_pct,
    };
    if (total < 10_000)
      return ok(
        `too few block reads (${total}) since ${r?.since ?? 'the reset'} to judge the cache hit ratio`,
        evidence,
      );
    if (ratio >= t.cache_hit_min_pct) return ok(`cache hit ratio ${ratio}%`, evidence);
    return {
      status: 'warn',
      message: `cache hit ratio ${ratio}% is below ${t.cache_hit_min_pct}%: many reads go to disk`,
      evidence,
      fix: 'The working set does not fit shared_buffers (and the OS cache): look at top_queries for scans that read much (shared_blks_read), add the indexes they miss, or give the server more memory / shared_buffers.',
    };
  };
}

export function replication(driver: PgDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const [{ standby }] = (await driver.catalog<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby')) as [
      { standby: boolean },
    ];
    if (standby) {
      const [r] = await driver.catalog<{
        lag_s: number | null;
        receive_lsn: string | null;
        replay_lsn: string | null;
        replay_bytes_behind: number | null;
      }>(`
        SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS lag_s, pg_last_wal_receive_lsn()::text AS receive_lsn, pg_last_wal_replay_lsn()::text AS replay_lsn,
          pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 AS replay_bytes_behind`);
      const lag = secs(r?.lag_s) ?? 0;
      const status = level(lag, t.replication_lag_warn_s, t.replication_lag_fail_s);
      const evidence = { role: 'standby', ...r, lag_s: lag };
      const message = `standby; last replayed transaction ${lag} s ago (on an idle primary this grows without real lag)`;
      return status === 'ok'
        ? ok(message, evidence)
        : {
            status,
            message,
            evidence,
            fix: 'Check the standby for replay conflicts or I/O saturation, and the network to the primary; pg_stat_wal_receiver shows the connection.',
          };
    }
    const replicas = await driver.catalog<{
      application: string;
      client: string | null;
      state: string;
      sync_state: string;
      write_lag_s: number | null;
      flush_lag_s: number | null;
      replay_lag_s: number | null;
      replay_bytes_behind: number | null;
    }>(`
      SELECT application_name AS application, client_addr::text AS client, state, sync_state,
        extract(epoch FROM write_lag)::float8 AS write_lag_s, extract(epoch FROM flush_lag)::float8 AS flush_lag_s, extract(epoch FROM replay_lag)::float8 AS replay_lag_s,
        pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 AS replay_bytes_behind
      FROM pg_stat_replication`);
    if (replicas.length === 0)
      return ok(
        'primary with no streaming replicas connected (none expected, or they are down: check_backups looks at WAL archiving)',
        { role: 'primary', replicas: [] },
      );
    const worstLag = Math.max(0, ...replicas.map((r) => r.replay_lag_s ?? 0));
    const status = level(worstLag, t.replication_lag_warn_s, t.replication_lag_fail_s);
    const evidence = {
      role: 'primary',
      replicas: replicas.map((r) => ({
        ...r,
        replay_lag_s: secs(r.replay_lag_s),
        write_lag_s: secs(r.write_lag_s),
        flush_lag_s: secs(r.flush_lag_s),
      })),
    };
    const message = `${plural(replicas.length, 'replica')} streaming; worst replay lag ${secs(worstLag)} s`;
    return status === 'ok'
      ? ok(message, evidence)
      : {
          status,
          message,
          evidence,
          fix: 'A replica falling behind: check its I/O and replay conflicts, and long queries on it (hot_standby_feedback).',
        };
  };
}

export function replicationSlots(driver: PgDriver): HealthCheck {
  return async () => {
    const slots = await driver.catalog<{
      slot: string;
      type: string;
      database: string | null;
      active: boolean;
      wal_status: string | null;
      retained_bytes: number | null;
      xmin_age: number | null;
    }>(`
      SELECT slot_name AS slot, slot_type AS type, database, active, wal_status,
        pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END, restart_lsn)::float8 AS retained_bytes,
        greatest(age(xmin), age(catalog_xmin))::float8 AS xmin_age
      FROM pg_replication_slots ORDER BY slot_name`);
    const inactive = slots.filter((s) => !s.active || s.wal_status === 'lost' || s.wal_status === 'unreserved');
    if (inactive.length === 0)
      return ok(slots.length ? `${plural(slots.length, 'replication slot')}, all active` : 'no replication slots', {
        slots,
      });
    return {
      status: inactive.some((s) => s.wal_status === 'lost') ? 'fail' : 'warn',
      message: `${plural(inactive.length, 'inactive replication slot')}: ${inactive.map((s) => `${s.slot} (retains ${Math.round((s.retained_bytes ?? 0) / 1024 / 1024)} MB of WAL${s.wal_status ? `, ${s.wal_status}` : ''})`).join(', ')}`,
      evidence: { slots },
      fix: `An inactive slot keeps WAL (disk fills up) and holds back vacuum. If its consumer is gone for good, drop it (a reviewed change): ${inactive.map((s) => `SELECT pg_drop_replication_slot('${s.slot.replace(/'/g, "''")}');`).join(' ')} Set max_slot_wal_keep_size to bound it.`,
    };
  };
}
