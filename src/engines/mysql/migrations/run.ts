/**
 * Running MySQL/MariaDB migration steps on a read-write connection of their own (never the
 * read-only pool; one statement per query). DDL commits implicitly, so there is no dry run and a
 * failed step leaves the steps before it applied; data changes run in a transaction.
 */
import mysql from 'mysql2/promise';
import type { ResultSetHeader } from 'mysql2/promise';
import type {
  DryRunReport,
  HistoryRow,
  RunnableStep,
  StepDraft,
  StepOutcome,
  StepTimeouts,
} from '../../contract/migrations.js';
import { connectionOptions, endpointOf, redactorFor } from '../core/connect.js';
import { toMysqlToolError } from '../core/errors.js';
import type { Variant } from '../core/session.js';
import { runSteps } from '../../kit/migrations/run-steps.js';
import type { EngineSource } from '../../contract/engine.js';

export const MYSQL_HISTORY_TABLE = 'dba_mcp_migrations';

export const MYSQL_DRY_RUN_REASON =
  'MySQL/MariaDB DDL commits implicitly and cannot be rolled back, so the plan was not dry-run; the algorithm and lock above come from the server version';

export function composeMysql(variant: Variant, step: StepDraft, t: StepTimeouts): string[] {
  const lockSeconds = Math.max(1, Math.round(t.lock_timeout_ms / 1000));
  const prelude = [
    `SET SESSION lock_wait_timeout = ${lockSeconds}`,
    `SET SESSION innodb_lock_wait_timeout = ${lockSeconds}`,
  ];
  if (variant === 'mariadb')
    prelude.push(`SET SESSION max_statement_time = ${Math.max(1, Math.round(t.statement_timeout_ms / 1000))}`);
  return step.transactional ? [...prelude, 'START TRANSACTION', ...step.body, 'COMMIT'] : [...prelude, ...step.body];
}

export async function dryRunMysql(): Promise<DryRunReport> {
  return { outcome: 'not-run', reason: MYSQL_DRY_RUN_REASON, steps: [] };
}

async function connect(source: EngineSource): Promise<mysql.Connection> {
  const conn = await mysql.createConnection(connectionOptions(source));
  (conn as unknown as { connection: NodeJS.EventEmitter }).connection.on('error', () => {});
  return conn;
}

const errorContext = (source: EngineSource, sql: string) => ({
  where: endpointOf(source).where,
  redact: redactorFor(source),
  sql,
  timeoutMs: source.limits.statement_timeout_ms,
});

export async function applyMysql(
  source: EngineSource,
  steps: readonly RunnableStep[],
  onStep: (s: StepOutcome) => void,
): Promise<StepOutcome[]> {
  const conn = await connect(source).catch((err: unknown) => {
    throw toMysqlToolError(err, errorContext(source, ''));
  });
  try {
    return await runSteps(
      steps,
      {
        run: async (sql) => {
          const [res] = await conn.query(sql);
          return /^\s*(insert|update|delete|replace)\b/i.test(sql) && !Array.isArray(res)
            ? (res as ResultSetHeader).affectedRows
            : null;
        },
        recover: () =>
          conn.query('ROLLBACK').then(
            () => undefined,
            () => undefined,
          ),
        error: (err, sql) => toMysqlToolError(err, errorContext(source, sql)),
      },
      onStep,
    );
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

export async function recordMysqlHistory(source: EngineSource, row: HistoryRow): Promise<void> {
  const conn = await connect(source);
  try {
    await conn.query(`CREATE TABLE IF NOT EXISTS ${MYSQL_HISTORY_TABLE} (
      id varchar(32) PRIMARY KEY, name varchar(255) NOT NULL, sha256 char(64) NOT NULL, steps longtext NOT NULL,
      requested_by varchar(255), approved_by varchar(255), started datetime(3) NOT NULL, finished datetime(3) NULL, outcome text NOT NULL)`);
    await conn.execute(
      `INSERT INTO ${MYSQL_HISTORY_TABLE} (id, name, sha256, steps, requested_by, approved_by, started, finished, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE finished = VALUES(finished), outcome = VALUES(outcome)`,
      [
        row.id,
        row.name,
        row.sha256,
        row.steps,
        row.requested_by,
        row.approved_by,
        row.started,
        row.finished,
        row.outcome,
      ],
    );
  } catch (err) {
    throw toMysqlToolError(err, errorContext(source, 'history'));
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}
