/**
 * plan_migration's engine-independent half: the engine's analysis (src/engines/<engine>/
 * migration-*.ts) plus the tables' real sizes (severity and duration), the data pre-checks,
 * the safer steps with their timeouts and rollbacks, the dry run, the migration tools in use,
 * and the stored plan with the sha256 of its exact steps.
 */
import { judgeClassification } from '../../guards/statement.js';
import type { ResolvedSource } from '../../config/load.js';
import type {
  Hazard,
  MigrationAnalysis,
  MigrationOps,
  RunnableStep,
  StatementAnalysis,
  StepDraft,
  StepTimeouts,
} from '../../engines/contract/migrations.js';
import { tableKey } from '../../engines/contract/migrations.js';
import type { EngineAdapter, TableRef, TableSummary } from '../../engines/contract/engine.js';
import { ToolError } from '../../core/errors.js';
import { tablePolicy } from '../../guards/table-policy.js';
import { runCheck, type CheckResult } from './data-checks.js';
import { formatSeconds, isLarge, workSeconds } from './estimate.js';
import { newPlanId, PLAN_TTL_MS, planHash, writePlan } from './plan-store.js';
import type { PlanOutput, StoredPlan } from './migration-plan.js';
import { stepsText } from './steps-text.js';
import { detectMigrationTools } from './tool-history.js';

export interface PlanRequest {
  sql: string;
  name?: string;
  rewrite: boolean;
  dryRun: boolean;
}

export interface PlanDeps {
  engine: EngineAdapter;
  source: ResolvedSource;
  plansDir: string;
  signal?: AbortSignal;
  now?: () => Date;
}

export const LOCK_TIMEOUT_MS = 5_000;
const DRY_RUN_LOCK_TIMEOUT_MS = 2_000;
const DRY_RUN_STATEMENT_TIMEOUT_MS = 5_000;
const BRIEF_STATEMENT_TIMEOUT_MS = 30_000;
const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export function migrationOps(engine: EngineAdapter): MigrationOps {
  if (!engine.migrations)
    throw new ToolError(
      'UNSUPPORTED_BY_ENGINE',
      `migration planning is not available for ${engine.name}`,
      'Use request_change for a single reviewed statement instead.',
    );
  return engine.migrations;
}

async function tableSizes(engine: EngineAdapter, analysis: MigrationAnalysis): Promise<Map<string, TableSummary>> {
  const refs: TableRef[] = analysis.statements.flatMap((s) => [
    ...s.touches.filter((t) => !t.created_here).map((t) => t.table),
    ...s.hazards.flatMap((h) => (h.sized ? [h.sized] : [])),
  ]);
  const schemas = [...new Set(refs.map((r) => r.schema))];
  const sizes = new Map<string, TableSummary>();
  for (const schema of schemas) {
    const tables = await engine
      .listTables(engine.capabilities.schemas ? { schema } : {})
      .catch(() => [] as TableSummary[]);
    for (const t of tables) sizes.set(tableKey(engine.capabilities.schemas ? t : { ...t, schema }), t);
  }
  return sizes;
}

/** A sized hazard is an error on a large table (or one of unknown size), a warning (or its `small` severity) on a small one. */
function sizeSeverity(h: Hazard, sizes: Map<string, TableSummary>): Hazard['severity'] {
  if (!h.sized) return h.severity;
  const t = sizes.get(tableKey(h.sized));
  if (!t || isLarge(t.row_estimate, t.size_bytes)) return h.severity;
  return h.small ?? (h.severity === 'error' ? 'warning' : h.severity);
}

function statementView(s: StatementAnalysis, sizes: Map<string, TableSummary>): PlanOutput['statements'][number] {
  const tables = s.touches.map((t) => {
    const size = sizes.get(tableKey(t.table));
    return {
      table: tableKey(t.table),
      rows: t.created_here ? 0 : (size?.row_estimate ?? null),
      bytes: t.created_here ? 0 : (size?.size_bytes ?? null),
      work: t.work,
      created_here: t.created_here,
    };
  });
  const seconds = tables.reduce(
    (sum, t) => sum + (t.created_here ? 0 : workSeconds(t.work as never, t.bytes, t.rows)),
    0,
  );
  return {
    index: s.index,
    sql: s.sql,
    kind: s.kind,
    locks: s.locks.filter((l, i) => s.locks.findIndex((m) => m.level === l.level && m.table === l.table) === i),
    rewrite: s.rewrite,
    scan: s.scan,
    index_rebuild: s.index_rebuild,
    transactional: s.transactional,
    online_ddl: s.online ?? null,
    sqlite_rebuild: s.sqlite_rebuild ?? null,
    tables,
    estimated_seconds: seconds,
    hazards: s.hazards.map((h) => ({
      code: h.code,
      severity: sizeSeverity(h, sizes),
      message: h.message,
      safer: h.safer,
      statement: s.index,
    })),
    notes: s.notes,
  };
}

function timeoutsFor(draft: StepDraft, seconds: number, source: ResolvedSource): StepTimeouts {
  const long = draft.long_running
    ? Math.min(24 * 3600_000, Math.max(10 * 60_000, seconds * 5_000))
    : BRIEF_STATEMENT_TIMEOUT_MS;
  return {
    lock_timeout_ms: LOCK_TIMEOUT_MS,
    statement_timeout_ms: Math.max(long, draft.long_running ? source.limits.statement_timeout_ms : 0),
  };
}

interface Placed {
  draft: StepDraft;
  from: number;
  /** The explicit transaction block it stays in, when it is the statement as written. */
  block?: number;
}

/** Consecutive statements of one BEGIN ... COMMIT block, kept as written, stay one transaction (one step). */
function mergeBlocks(placed: Placed[]): Placed[] {
  const out: Placed[] = [];
  for (const p of placed) {
    const last = out.at(-1);
    if (last && p.block !== undefined && last.block === p.block && p.draft.transactional && last.draft.transactional) {
      const undo =
        last.draft.irreversible || p.draft.irreversible
          ? null
          : [p.draft.rollback, last.draft.rollback].filter(Boolean).join(';\n') || null;
      last.draft = {
        ...last.draft,
        body: [...last.draft.body, ...p.draft.body],
        rollback: undo,
        ...((last.draft.irreversible ?? p.draft.irreversible)
          ? { irreversible: (last.draft.irreversible ?? p.draft.irreversible)! }
          : {}),
        purpose: 'as written: one transaction, as in the migration',
        dry_run_body: [...(last.draft.dry_run_body ?? last.draft.body), ...(p.draft.dry_run_body ?? p.draft.body)],
        long_running: !!(last.draft.long_running || p.draft.long_running),
      };
    } else out.push({ ...p, draft: { ...p.draft } });
  }
  return out;
}

function buildSteps(
  ops: MigrationOps,
  analysis: MigrationAnalysis,
  views: PlanOutput['statements'],
  req: PlanRequest,
  source: ResolvedSource,
): RunnableStep[] {
  const placed: Placed[] = analysis.statements.flatMap((s) =>
    req.rewrite && s.safer
      ? s.safer.map((draft) => ({ draft, from: s.index }))
      : [{ draft: s.original, from: s.index, ...(s.block !== undefined ? { block: s.block } : {}) }],
  );
  return mergeBlocks(placed).map((p, i) => ({
    n: i + 1,
    statements: ops.compose(p.draft, timeoutsFor(p.draft, views[p.from]!.estimated_seconds, source)),
    transactional: p.draft.transactional,
    rollback: p.draft.rollback,
    ...(p.draft.irreversible ? { irreversible: p.draft.irreversible } : {}),
    purpose: p.draft.purpose,
    dry_run_body: p.draft.dry_run_body ?? (p.draft.transactional ? p.draft.body : []),
    from_statement: p.from,
  }));
}

/** Whether dba-mcp may execute the plan: every statement the migration wrote must pass the statement guard for a change. */
function applicability(analysis: MigrationAnalysis): PlanOutput['apply'] {
  for (const s of analysis.statements) {
    const reason = refusal(s);
    if (reason) return { allowed: false, reason: `statement ${s.index + 1}: ${reason}` };
  }
  return { allowed: true, reason: null };
}

function refusal(s: StatementAnalysis): string | null {
  if (s.runnable && !s.runnable.ok) return s.runnable.reason;
  if (!s.classification) return null;
  const verdict = judgeClassification(s.classification, 'change');
  return verdict.decision === 'allow'
    ? null
    : `${s.kind} is not a change dba-mcp runs (${verdict.reason ?? verdict.code}); run it outside dba-mcp`;
}

/** deny_tables, as request_change judges a change: a statement touching a denied table (or whose tables cannot be named) is neither dry-run nor applied. */
async function deniedTables(
  engine: EngineAdapter,
  source: ResolvedSource,
  analysis: MigrationAnalysis,
  apply: PlanOutput['apply'],
): Promise<PlanOutput['apply']> {
  const policy = tablePolicy(source.deny_tables);
  if (!apply.allowed || policy.empty) return apply;
  for (const s of analysis.statements) {
    const c = await engine.classify(s.sql);
    const denied = c.tables.filter((t) => policy.denies(t));
    if (denied.length)
      return {
        allowed: false,
        reason: `statement ${s.index + 1} touches ${denied.map((t) => (t.schema ? `${t.schema}.${t.name}` : t.name)).join(', ')}, which this source's deny_tables keeps out of reach`,
      };
    if (c.tables.length === 0)
      return {
        allowed: false,
        reason: `statement ${s.index + 1}: the tables it touches could not be determined, and this source has deny_tables`,
      };
  }
  return apply;
}

async function dryRun(
  ops: MigrationOps,
  engine: EngineAdapter,
  analysis: MigrationAnalysis,
  source: ResolvedSource,
  steps: RunnableStep[],
  wanted: boolean,
  apply: PlanOutput['apply'],
): Promise<PlanOutput['dry_run']> {
  if (!wanted) return { outcome: 'not-run', reason: 'dry_run=false was asked', steps: [] };
  if (!apply.allowed) return { outcome: 'not-run', reason: apply.reason, steps: [] };
  if (source.mode !== 'read-write')
    return {
      outcome: 'not-run',
      reason: `source "${source.id}" is read-only: a dry run executes the steps (in a transaction that is rolled back), which needs mode: read-write`,
      steps: [],
    };
  // A rollback undoes the rows, not what such a function does (signal a session, read a file, reach another server).
  for (const s of analysis.statements) {
    const unsafe = (await engine.classify(s.sql)).deniedFunctions;
    if (unsafe.length)
      return {
        outcome: 'not-run',
        reason: `statement ${s.index + 1} calls ${unsafe.join(', ')}, whose effects a rollback does not undo: not rehearsed`,
        steps: [],
      };
  }
  // Bounded, so that the dry run itself never holds a lock on a large table for long.
  return ops.dryRun(steps, {
    lock_timeout_ms: DRY_RUN_LOCK_TIMEOUT_MS,
    statement_timeout_ms: Math.min(source.limits.statement_timeout_ms, DRY_RUN_STATEMENT_TIMEOUT_MS),
  });
}

function checkHazards(results: CheckResult[]): Hazard[] {
  return results
    .filter((r) => (r.violations ?? 0) > 0)
    .map((r) => ({
      code: 'data-check-failed',
      severity: 'error' as const,
      message: `${r.violations} row(s) of ${r.table} would make statement ${r.statement + 1} fail (${r.code}): ${r.description}.`,
      safer: "Fix or backfill those rows first (see the check's sample), then re-plan.",
    }));
}

function summaryOf(
  hazards: PlanOutput['hazards'],
  steps: RunnableStep[],
  dry: PlanOutput['dry_run'],
  seconds: number,
): string {
  const count = (s: string) => hazards.filter((h) => h.severity === s).length;
  const verdict = count('error')
    ? `${count('error')} error(s), ${count('warning')} warning(s)`
    : count('warning')
      ? `no errors, ${count('warning')} warning(s)`
      : 'no hazards';
  return `${verdict}; ${steps.length} step(s); locks held ${formatSeconds(seconds)} in total (estimated); dry run: ${dry.outcome}${dry.reason ? ` (${dry.reason})` : ''}.`;
}

export async function planMigration(req: PlanRequest, deps: PlanDeps): Promise<StoredPlan> {
  const { engine, source } = deps;
  const ops = migrationOps(engine);
  const analysis = await ops.analyze(req.sql);
  if (analysis.statements.length === 0)
    throw new ToolError(
      'INVALID_ARGUMENT',
      'the migration has no statements to plan (only comments, BEGIN/COMMIT or SET)',
      'Send the DDL and data changes of the migration.',
    );
  const sizes = await tableSizes(engine, analysis);
  const views = analysis.statements.map((s) => statementView(s, sizes));
  const timeoutMs = Math.min(source.limits.statement_timeout_ms, 30_000);
  const checks: CheckResult[] = [];
  for (const s of analysis.statements)
    for (const c of s.checks) checks.push(await runCheck(engine, source, c, s.index, timeoutMs, deps.signal));
  const tools = await detectMigrationTools(engine, ops.quoteIdent).catch(() => []);
  const whole: Hazard[] = [...analysis.hazards, ...checkHazards(checks)];
  if (tools.length)
    whole.push({
      code: 'bypasses-migration-tool',
      severity: 'warning',
      message: `This database is managed by ${tools.map((t) => `${t.tool} (${t.table}, latest ${t.latest_version ?? 'unknown'})`).join(', ')}: a change applied here bypasses it.`,
      safer: "Add the same migration to the tool's migration files, or apply it through the tool.",
    });
  const hazards = [
    ...views.flatMap((v) => v.hazards),
    ...whole.map((h) => ({ code: h.code, severity: h.severity, message: h.message, safer: h.safer, statement: null })),
  ].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const steps = buildSteps(ops, analysis, views, req, source);
  const text = stepsText(steps);
  const apply = await deniedTables(engine, source, analysis, applicability(analysis));
  const dry = await dryRun(ops, engine, analysis, source, steps, req.dryRun, apply);
  const now = deps.now?.() ?? new Date();
  const id = newPlanId();
  const sha256 = planHash(source.id, text);
  const seconds = views.reduce((s, v) => s + v.estimated_seconds, 0);
  const expires = new Date(now.getTime() + PLAN_TTL_MS).toISOString();
  const output: PlanOutput = {
    plan_id: id,
    name: req.name ?? `migration ${id}`,
    source: source.id,
    server: analysis.server,
    summary: summaryOf(hazards, steps, dry, seconds),
    statements: views,
    hazards,
    checks: checks.map((c) => ({ ...c, sample: c.sample })),
    steps: steps.map((s) => ({
      n: s.n,
      from_statement: s.from_statement,
      purpose: s.purpose,
      transactional: s.transactional,
      sql: s.statements.join(';\n') + ';',
      rollback: s.rollback,
      irreversible: s.irreversible ?? null,
    })),
    steps_text: text,
    sha256,
    dry_run: dry,
    migration_tools: tools,
    apply,
    expires_at: expires,
    next_step: !apply.allowed
      ? `apply_migration will refuse this plan: ${apply.reason}.`
      : source.mode === 'read-write'
        ? `Review the hazards and steps with the user. To run exactly these steps, call apply_migration with plan_id "${id}"; a person must approve it. To change anything, plan again.`
        : `Source "${source.id}" is read-only: the plan can be reviewed but apply_migration will refuse it.`,
  };
  const plan: StoredPlan = {
    v: 1,
    id,
    source: source.id,
    engine: engine.name,
    name: output.name,
    created_at: now.toISOString(),
    expires_at: expires,
    sql: req.sql,
    steps,
    steps_text: text,
    sha256,
    destructive: steps.some((s) => !!s.irreversible),
    tools,
    output,
  };
  writePlan(deps.plansDir, plan);
  return plan;
}
