/**
 * Running PostgreSQL migration steps on a read-write connection of their own (never the
 * read-only pool): the dry run (every step inside one transaction, a savepoint each, rolled back)
 * and the real run (each step exactly as composed, stopping at the first failure), plus the
 * history table.
 */
import pg from 'pg';
import type {
  DryRunReport,
  HistoryRow,
  RunnableStep,
  StepDraft,
  StepOutcome,
  StepTimeouts,
} from '../../contract/migrations.js';
import { toPgToolError } from '../core/errors.js';
import { runSteps } from '../../kit/migrations/run-steps.js';
import type { EngineSource } from '../../contract/engine.js';

export const PG_HISTORY_TABLE = 'dba_mcp_migrations';

const HISTORY_DDL = `CREATE TABLE IF NOT EXISTS ${PG_HISTORY_TABLE} (
  id text PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL, steps text NOT NULL,
  requested_by text, approved_by text, started timestamptz NOT NULL, finished timestamptz, outcome text NOT NULL)`;

const ms = (n: number) => `'${Math.max(1, Math.round(n))}ms'`;

export function composePg(step: StepDraft, t: StepTimeouts): string[] {
  if (!step.transactional)
    return [
      `SET lock_timeout = ${ms(t.lock_timeout_ms)}`,
      `SET statement_timeout = ${ms(t.statement_timeout_ms)}`,
      ...step.body,
    ];
  return [
    'BEGIN',
    `SET LOCAL lock_timeout = ${ms(t.lock_timeout_ms)}`,
    `SET LOCAL statement_timeout = ${ms(t.statement_timeout_ms)}`,
    ...step.body,
    'COMMIT',
  ];
}

async function connect(source: EngineSource): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: source.parsed.normalized,
    application_name: 'dba-mcp-migration',
    connectionTimeoutMillis: source.limits.connect_timeout_ms,
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

export async function dryRunPg(
  source: EngineSource,
  where: string,
  steps: readonly RunnableStep[],
  t: StepTimeouts,
): Promise<DryRunReport> {
  let client: pg.Client;
  try {
    client = await connect(source);
  } catch (err) {
    throw toPgToolError(err, where);
  }
  const report: DryRunReport = { outcome: 'rolled-back', reason: null, steps: [] };
  try {
    await client.query('BEGIN');
    for (const step of steps) {
      if (step.dry_run_body.length === 0) {
        report.steps.push({ n: step.n, ok: true, error: 'skipped: cannot run inside a transaction' });
        continue;
      }
      await client.query('SAVEPOINT dba_mcp_step');
      try {
        await client.query(`SET LOCAL lock_timeout = ${ms(t.lock_timeout_ms)}`);
        await client.query(`SET LOCAL statement_timeout = ${ms(t.statement_timeout_ms)}`);
        for (const sql of step.dry_run_body) await client.query(sql);
        await client.query('RELEASE SAVEPOINT dba_mcp_step');
        report.steps.push({ n: step.n, ok: true });
      } catch (err) {
        await client.query('ROLLBACK TO SAVEPOINT dba_mcp_step').catch(() => {});
        if ((err as { code?: string }).code === '57014') {
          // Our own bound: a dry run must not hold locks on a large table for long. Not a failure of the step.
          const bound =
            t.statement_timeout_ms < 1000
              ? `${Math.round(t.statement_timeout_ms)} ms`
              : `${Math.round(t.statement_timeout_ms / 1000)} s`; // a 300 ms bound is not "0 s"
          report.steps.push({
            n: step.n,
            ok: true,
            error: `stopped after ${bound} (the dry run's bound); it had not failed`,
          });
          report.reason = `step ${step.n} ran longer than the dry run's ${bound} bound and was stopped; later steps were not tried`;
          break;
        }
        report.steps.push({ n: step.n, ok: false, error: (err as Error).message });
        report.outcome = 'failed';
        report.reason = `step ${step.n} failed: ${(err as Error).message}`;
        break;
      }
    }
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end().catch(() => {});
  }
  return report;
}

export async function applyPg(
  source: EngineSource,
  where: string,
  steps: readonly RunnableStep[],
  onStep: (s: StepOutcome) => void,
): Promise<StepOutcome[]> {
  const client = await connect(source).catch((err: unknown) => {
    throw toPgToolError(err, where);
  });
  try {
    return await runSteps(
      steps,
      {
        run: async (sql) => {
          const res = await client.query(sql);
          return ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(res.command) ? (res.rowCount ?? 0) : null;
        },
        recover: () =>
          client.query('ROLLBACK').then(
            () => undefined,
            () => undefined,
          ),
        error: (err) => toPgToolError(err, where),
      },
      onStep,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

export async function recordPgHistory(source: EngineSource, where: string, row: HistoryRow): Promise<void> {
  const client = await connect(source).catch((err: unknown) => {
    throw toPgToolError(err, where);
  });
  try {
    await client.query(HISTORY_DDL);
    await client.query(
      `INSERT INTO ${PG_HISTORY_TABLE} (id, name, sha256, steps, requested_by, approved_by, started, finished, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO UPDATE SET finished = EXCLUDED.finished, outcome = EXCLUDED.outcome`,
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
    throw toPgToolError(err, where);
  } finally {
    await client.end().catch(() => {});
  }
}
