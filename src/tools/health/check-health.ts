import { z } from 'zod';
import { healthOf, thresholdsOf } from './thresholds.js';
import { runHealthChecks, selectChecks } from './run-checks.js';
import { hideDeniedQueries } from './deny-texts.js';
import { renderHealth } from './render.js';
import { plural } from '../../engines/kit/health/judge.js';
import { defineTool } from '../define-tool.js';

const CheckSchema = z.object({
  id: z.string().describe('The check, e.g. blocking, idle_in_transaction, duplicate_indexes'),
  status: z
    .enum(['ok', 'warn', 'fail', 'skipped'])
    .describe('skipped: could not run here (message says why, fix how to enable it)'),
  message: z.string(),
  evidence: z
    .record(z.string(), z.unknown())
    .describe('The concrete facts: pids, lock modes, relations, waiting times, index definitions, counters and limits'),
  fix: z.string().nullable().describe('What to do; null when nothing needs doing'),
});

export const checkHealth = defineTool({
  name: 'check_health',
  title: 'Check database health',
  description:
    'The morning checks of a DBA, each with a status (ok, warn, fail, or skipped when it cannot run here), a message, evidence and a fix. ' +
    'PostgreSQL: connections vs max_connections, long-running queries, idle-in-transaction sessions, blocking chains (who blocks whom, the lock, for how long), deadlocks, vacuum and analyze staleness, ' +
    'transaction-ID wraparound, table and index bloat estimates, invalid / duplicate / redundant / unused indexes, sequences near exhaustion, cache hit ratio, replication lag and slots. ' +
    'MySQL/MariaDB: connections, long transactions, idle-in-transaction, long queries, lock waits (who blocks whom), buffer pool hit ratio, unused and duplicate indexes, auto-increment near its limit, replication. ' +
    "SQLite: quick_check, free pages, WAL size, duplicate indexes. Thresholds come from the source's `health` config. Remedies that act (cancel_query, terminate_session) need a person's approval.",
  scope: 'source',
  access: 'read',
  input: {
    checks: z
      .array(z.string().min(1).max(64))
      .max(50)
      .optional()
      .describe(
        "Only these check ids (default: all of the engine's checks; an unknown id is refused with the valid list).",
      ),
  },
  output: {
    status: z
      .enum(['ok', 'warn', 'fail'])
      .describe('The worst status of the checks (skipped ones do not count; warn when none could run)'),
    summary: z.string(),
    checks: z.array(CheckSchema),
  },
  async run({ checks }, ctx) {
    const health = healthOf(ctx.engine, 'check_health');
    const ids = selectChecks(health.checks, checks);
    const report = await runHealthChecks(health.checks, ids, {
      thresholds: thresholdsOf(ctx.source),
      signal: ctx.signal,
    });
    const count = (s: string) => report.checks.filter((c) => c.status === s).length;
    const summary = `${report.status}: ${plural(report.checks.length, 'check')} on ${ctx.source.id} (${ctx.engine.name}): ${count('fail')} fail, ${count('warn')} warn, ${count('ok')} ok, ${count('skipped')} skipped.`;
    return { status: report.status, summary, checks: hideDeniedQueries(report.checks, ctx.source.deny_tables) };
  },
  render: renderHealth,
});
