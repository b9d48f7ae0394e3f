/**
 * What the MySQL/MariaDB tools say when a server feature is off — performance_schema (top_queries,
 * unused indexes, propose_index workload) and binary logging (check_backups) — decided from the
 * server's variables alone. The test server runs with both on (scripts/test-databases.sh), so the
 * integration tests cover the ON state and these keep the OFF wording covered whatever the server.
 */
import { describe, expect, it } from 'vitest';
import { binlogChecks, gtidCheck } from '../../src/engines/mysql/backups/checks.js';
import { digestsUnavailableNote } from '../../src/engines/mysql/health/top.js';
import { performanceSchemaOff } from '../../src/engines/mysql/index-advisor/ops.js';
import { INDEX_USAGE_DISABLED_NOTE } from '../../src/engines/mysql/index-advisor/index-usage.js';
import { mysqlDropIndex } from '../../src/engines/mysql/health/indexes.js';
import { unusedFinding } from '../../src/engines/kit/health/index-findings.js';
import type { HealthThresholds } from '../../src/core/settings.js';

const env = { dir: '/nonexistent', maxAgeHours: 24, signal: new AbortController().signal };

describe('top_queries: digestsUnavailableNote', () => {
  it('says performance_schema is OFF, that MariaDB ships it so, and how to turn it on (config, restart)', () => {
    const note = digestsUnavailableNote('mariadb', 'OFF');
    expect(note).toMatch(/^performance_schema is OFF on this server \(MariaDB ships it OFF\): /);
    expect(note).toContain('performance_schema=ON under [mysqld]');
    expect(note).toContain('restart');
    expect(digestsUnavailableNote('mysql', undefined)).toMatch(/^performance_schema is OFF on this server: /);
  });

  it('says the statements_digest consumer is off and how to enable it', () => {
    expect(digestsUnavailableNote('mariadb', 'ON', 'NO')).toMatch(
      /statements_digest consumer is off: UPDATE performance_schema\.setup_consumers SET ENABLED = 'YES'/,
    );
  });

  it('has nothing to say when performance_schema is on (the consumer on or not read yet)', () => {
    expect(digestsUnavailableNote('mariadb', 'ON', 'YES')).toBeNull();
    expect(digestsUnavailableNote('mysql', 'on')).toBeNull();
  });
});

describe('propose_index workload: performanceSchemaOff', () => {
  it('is UNSUPPORTED_BY_ENGINE with a hint naming the config line and the alternative', () => {
    expect(performanceSchemaOff().toJSON()).toEqual({
      code: 'UNSUPPORTED_BY_ENGINE',
      message: 'performance_schema is off on this server, so there are no statement digests to read',
      hint: expect.stringMatching(
        /performance_schema = ON, then restart the server.*pass the queries with sql or queries/,
      ),
    });
  });
});

describe('unused_indexes without index counters', () => {
  it('is skipped, not all clear, with how to turn on performance_schema or userstat', () => {
    const r = unusedFinding({
      usage: {
        available: false,
        note: INDEX_USAGE_DISABLED_NOTE,
        stats_since: null,
        indexes: [
          { schema: 's', table: 't', index: 'i', scans: null, size_bytes: null, unique: false, primary: false },
        ],
      },
      thresholds: { unused_index_max_scans: 0 } as HealthThresholds,
      dropSql: mysqlDropIndex,
    });
    expect(r.status).toBe('skipped');
    expect(r.fix).toMatch(/performance_schema=ON in the server config \(needs a restart\)/);
    expect(r.fix).toMatch(/SET GLOBAL userstat=ON/);
  });
});

describe('check_backups binary-log facts', () => {
  it('with binary logging off: no point-in-time recovery, and how to turn it on', () => {
    expect(binlogChecks({ log_bin: 'OFF' }, env)).toEqual([
      {
        id: 'log_bin',
        status: 'info',
        message: 'binary logging is off: no point-in-time recovery, recovery only to the newest dump',
        evidence: { log_bin: 'OFF' },
        fix: expect.stringMatching(/log_bin \(and server_id\)/),
      },
    ]);
    expect(gtidCheck({ log_bin: 'OFF', gtid_strict_mode: 'OFF', gtid_binlog_pos: '' })).toMatchObject({
      status: 'info',
      message: 'no binary log, so no GTID position to recover to',
    });
  });

  it('with binary logging on: format, expiry against the backup interval, durability', () => {
    const found = binlogChecks(
      {
        log_bin: 'ON',
        server_id: '1',
        binlog_format: 'MIXED',
        binlog_expire_logs_seconds: '3600',
        expire_logs_days: '0.041667',
        sync_binlog: '0',
        innodb_flush_log_at_trx_commit: '1',
      },
      env,
    );
    expect(found.map((c) => [c.id, c.status])).toEqual([
      ['log_bin', 'ok'],
      ['binlog_format', 'warn'],
      ['binlog_expiry', 'warn'],
      ['durability', 'warn'],
    ]);
    expect(found[2]!.message).toBe(
      'binary logs expire after 1 h, before the next backup is due (24 h): a gap in point-in-time recovery',
    );
    // MariaDB's expire_logs_days alone (binlog_expire_logs_seconds 0)
    expect(
      binlogChecks(
        {
          log_bin: 'ON',
          binlog_format: 'ROW',
          binlog_expire_logs_seconds: '0',
          expire_logs_days: '7.000000',
          sync_binlog: '1',
          innodb_flush_log_at_trx_commit: '1',
        },
        env,
      ).map((c) => [c.id, c.status, c.message]),
    ).toEqual([
      ['log_bin', 'ok', 'binary logging is on'],
      ['binlog_format', 'ok', 'binlog_format is ROW'],
      ['binlog_expiry', 'ok', 'binary logs kept 168 h'],
      ['durability', 'ok', 'sync_binlog=1 and innodb_flush_log_at_trx_commit=1'],
    ]);
  });

  it('MariaDB GTIDs come with the binary log, whatever gtid_strict_mode; MySQL follows gtid_mode', () => {
    expect(
      gtidCheck({ log_bin: 'ON', gtid_strict_mode: 'OFF', gtid_binlog_pos: '0-1-56', gtid_current_pos: '0-1-56' }),
    ).toMatchObject({
      message:
        'the binary log carries MariaDB GTIDs (now at 0-1-56): a restore can be positioned by GTID; gtid_strict_mode is off, so out-of-order GTIDs are accepted',
      evidence: { gtid_position: '0-1-56', gtid_strict_mode: 'OFF' },
    });
    expect(gtidCheck({ log_bin: 'ON', gtid_strict_mode: 'OFF', gtid_binlog_pos: '' }).message).toBe(
      'no GTID in the binary log yet: position a restore by binary log file and offset',
    );
    expect(gtidCheck({ log_bin: 'ON', gtid_mode: 'ON', gtid_executed: 'uuid:1-5' })).toMatchObject({
      message: 'GTIDs are on: a restore can be positioned by GTID',
      evidence: { gtid_position: 'uuid:1-5' },
    });
    expect(gtidCheck({ log_bin: 'ON', gtid_mode: 'OFF', gtid_executed: '' }).message).toBe(
      'GTID mode is off (gtid_mode): position a restore by binary log file and offset',
    );
  });
});
