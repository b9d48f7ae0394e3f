import { z } from 'zod';
import { plansDir } from './plan-store.js';
import { PlanOutputSchema, type PlanOutput } from './migration-plan.js';
import { planMigration } from './planner.js';
import { formatSeconds } from './estimate.js';
import { defineTool } from '../define-tool.js';
import { OneLine } from '../schemas.js';

function renderPlan(p: PlanOutput): string {
  const lines = [
    `plan ${p.plan_id} "${p.name}" on ${p.source} (${p.server.variant} ${p.server.version}): ${p.summary}`,
  ];
  for (const s of p.statements) {
    const lock =
      s.locks.map((l) => `${l.level}${l.table ? ` on ${l.table}` : ''} (blocks ${l.blocks})`).join('; ') || 'no lock';
    const work = [
      s.rewrite && 'rewrite',
      s.scan && !s.rewrite && 'scan',
      s.index_rebuild && 'index build',
      s.online_ddl && `ALGORITHM=${s.online_ddl.algorithm} LOCK=${s.online_ddl.lock}`,
      s.sqlite_rebuild && '12-step rebuild',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`#${s.index + 1} ${s.kind}: ${lock}${work ? `; ${work}` : ''}; ${formatSeconds(s.estimated_seconds)}`);
  }
  if (p.hazards.length) lines.push('', 'Hazards:');
  for (const h of p.hazards)
    lines.push(
      `- [${h.severity}] ${h.code}${h.statement !== null ? ` (#${h.statement + 1})` : ''}: ${h.message}${h.safer ? `\n  safer: ${h.safer}` : ''}`,
    );
  const checks = p.checks.filter((c) => c.violations !== 0);
  if (checks.length) lines.push('', 'Data checks:');
  for (const c of checks)
    lines.push(
      `- ${c.code} on ${c.table}: ${c.error ? `could not run: ${c.error}` : `${c.violations} row(s): ${c.description}`}`,
    );
  lines.push('', `Dry run: ${p.dry_run.outcome}${p.dry_run.reason ? ` (${p.dry_run.reason})` : ''}`);
  if (!p.apply.allowed) lines.push(`Apply: refused (${p.apply.reason})`);
  if (p.migration_tools.length)
    lines.push(
      `Migration tools: ${p.migration_tools.map((t) => `${t.tool} latest ${t.latest_version ?? '?'}`).join(', ')}`,
    );
  lines.push(
    '',
    `Steps (sha256 ${p.sha256.slice(0, 16)}..., expires ${p.expires_at}):`,
    p.steps_text.trimEnd(),
    '',
    p.next_step,
  );
  return lines.join('\n');
}

export const planMigrationTool = defineTool({
  name: 'plan_migration',
  title: 'Plan a schema migration',
  description:
    'Plan a migration (one or more DDL/DML statements, BEGIN/COMMIT allowed) without changing anything: per statement the lock it takes and what that blocks, ' +
    'whether it rewrites or scans the table, index rebuilds, MySQL/MariaDB ALGORITHM/LOCK, SQLite ALTER limits and rebuilds, and a duration estimate from the real table sizes; ' +
    'hazards named after squawk / strong_migrations / Atlas rules; read-only checks of existing rows (NULLs, duplicates, orphans, values a narrower type cannot hold); ' +
    'a safer plan of steps (CONCURRENTLY, NOT VALID + VALIDATE, expand/contract), each with lock and statement timeouts and a rollback or "irreversible" with the backup to take; ' +
    'and a dry run in a rolled-back transaction where the engine allows it (read-write sources only). The plan is stored: apply it with apply_migration {plan_id}.',
  scope: 'source',
  access: 'read',
  input: {
    sql: z
      .string()
      .min(1)
      .max(200_000)
      .describe("The migration, in the source's dialect; several statements separated by semicolons."),
    name: OneLine(200)
      .min(1)
      .optional()
      .describe('A name for the migration, recorded in the history table (e.g. "2026_11_add_orders_status").'),
    rewrite: z
      .boolean()
      .default(true)
      .describe(
        'Replace unsafe statements by their safer steps (true) or keep the statements as written, only adding timeouts (false).',
      ),
    dry_run: z
      .boolean()
      .default(true)
      .describe(
        'Run the steps in a transaction that is rolled back (PostgreSQL, SQLite; read-write sources only). It takes the same locks, bounded: lock_timeout 2 s, and a step still running after 5 s is stopped (reported, not a failure).',
      ),
  },
  output: PlanOutputSchema,
  async run({ sql, name, rewrite, dry_run }, ctx) {
    const plan = await planMigration(
      { sql, ...(name ? { name } : {}), rewrite, dryRun: dry_run },
      { engine: ctx.engine, source: ctx.source, plansDir: plansDir(ctx.approvals), signal: ctx.signal },
    );
    return plan.output;
  },
  render: renderPlan,
});
