/** MySQL/MariaDB InnoDB buffer pool hit ratio and replication status. */
import type { HealthCheck } from '../../contract/health.js';
import { level, ok } from '../../kit/health/judge.js';
import type { MysqlDriver } from '../core/driver.js';
import { globalStatus, globalVariables } from './vars.js';

export function bufferPool(driver: MysqlDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const [s, v] = await Promise.all([
      globalStatus(driver, [
        'Innodb_buffer_pool_read_requests',
        'Innodb_buffer_pool_reads',
        'Innodb_buffer_pool_pages_free',
        'Innodb_buffer_pool_pages_total',
      ]),
      globalVariables(driver, ['innodb_buffer_pool_size']),
    ]);
    const requests = Number(s.innodb_buffer_pool_read_requests ?? 0);
    const disk = Number(s.innodb_buffer_pool_reads ?? 0);
    const hit = requests > 0 ? Math.round(1000 * (100 - (100 * disk) / requests)) / 1000 : 100;
    const evidence = {
      hit_pct: hit,
      read_requests: requests,
      disk_reads: disk,
      pages_free: Number(s.innodb_buffer_pool_pages_free ?? 0),
      pages_total: Number(s.innodb_buffer_pool_pages_total ?? 0),
      innodb_buffer_pool_size: Number(v.innodb_buffer_pool_size ?? 0),
      threshold_pct: t.cache_hit_min_pct,
    };
    if (requests < 10_000)
      return ok(`too few buffer pool reads (${requests}) since start to judge the hit ratio`, evidence);
    if (hit >= t.cache_hit_min_pct) return ok(`InnoDB buffer pool hit ratio ${hit}%`, evidence);
    return {
      status: 'warn',
      message: `InnoDB buffer pool hit ratio ${hit}% is below ${t.cache_hit_min_pct}%: reads go to disk`,
      evidence,
      fix: `The working set does not fit innodb_buffer_pool_size (${Math.round(evidence.innodb_buffer_pool_size / 1024 / 1024)} MB): raise it (typically 50-75% of RAM on a dedicated server; resizable online), or find the scans with top_queries.`,
    };
  };
}

type ReplicaRow = Record<string, string | number | null>;

const field = (r: ReplicaRow, ...names: string[]) => {
  for (const n of names) if (r[n] !== undefined) return r[n];
  return null;
};

export function replication(driver: MysqlDriver): HealthCheck {
  return async ({ thresholds: t }) => {
    const server = await driver.server();
    const statement =
      server.variant === 'mariadb'
        ? 'SHOW ALL SLAVES STATUS'
        : server.major >= 8
          ? 'SHOW REPLICA STATUS'
          : 'SHOW SLAVE STATUS';
    const [rows, v] = await Promise.all([
      driver
        .catalog<ReplicaRow>(statement)
        .catch(() => driver.catalog<ReplicaRow>('SHOW SLAVE STATUS')) /* MySQL 8.0 before 8.0.22 */,
      globalVariables(driver, ['log_bin', 'server_id', 'read_only']),
    ]);
    const role = { log_bin: v.log_bin ?? null, server_id: v.server_id ?? null, read_only: v.read_only ?? null };
    if (rows.length === 0)
      return ok(`not a replica (log_bin ${role.log_bin ?? 'unknown'})`, { role: 'primary or standalone', ...role });
    const channels = rows.map((r) => ({
      channel: field(r, 'Connection_name', 'Channel_Name'),
      source: field(r, 'Master_Host', 'Source_Host'),
      io_running: field(r, 'Slave_IO_Running', 'Replica_IO_Running'),
      sql_running: field(r, 'Slave_SQL_Running', 'Replica_SQL_Running'),
      lag_s: field(r, 'Seconds_Behind_Master', 'Seconds_Behind_Source'),
      last_io_error: field(r, 'Last_IO_Error') || null,
      last_sql_error: field(r, 'Last_SQL_Error') || null,
    }));
    const broken = channels.filter((c) => c.io_running !== 'Yes' || c.sql_running !== 'Yes');
    const worstLag = Math.max(0, ...channels.map((c) => Number(c.lag_s ?? 0)));
    const status = broken.length ? 'fail' : level(worstLag, t.replication_lag_warn_s, t.replication_lag_fail_s);
    const message = broken.length
      ? `replication stopped on ${broken.map((c) => `${c.channel || 'default'} (IO ${c.io_running}, SQL ${c.sql_running}${c.last_sql_error ? `: ${c.last_sql_error}` : c.last_io_error ? `: ${c.last_io_error}` : ''})`).join(', ')}`
      : `replica of ${channels.map((c) => c.source).join(', ')}; lag ${worstLag} s`;
    const evidence = { role: 'replica', ...role, channels };
    return status === 'ok'
      ? ok(message, evidence)
      : {
          status,
          message,
          evidence,
          fix: broken.length
            ? 'Read Last_SQL_Error / Last_IO_Error; fix the cause (a missing row, a network or credential problem), then START REPLICA / START SLAVE. Do not skip events blindly: the replica would diverge.'
            : 'The replica applies changes slower than the source writes them: check its I/O, enable parallel replication (replica_parallel_workers / slave_parallel_threads), and look for long queries on it.',
        };
  };
}
