/**
 * The data pre-checks: each engine's count query for rows that would make a statement fail (a
 * new NOT NULL, UNIQUE, FOREIGN KEY, CHECK or narrower type), run on the engine's read path,
 * and a few sample rows when there are any: masked like run_query's rows, and none at all from a
 * table the source's deny list names (the count alone is shown).
 */
import type { ResolvedSource } from '../../config/load.js';
import type { DataCheck } from '../../engines/contract/migrations.js';
import type { CellValue, EngineAdapter } from '../../engines/contract/engine.js';
import { maskRows } from '../../guards/masking.js';
import { judgeClassification } from '../../guards/statement.js';
import { tablePolicy } from '../../guards/table-policy.js';

export interface CheckResult {
  code: string;
  statement: number;
  table: string;
  description: string;
  query: string;
  violations: number | null;
  sample: CellValue[][];
  error: string | null;
}

/** Why run_query's guards would refuse `sql`, or null when they let it through. */
async function refusal(engine: EngineAdapter, source: ResolvedSource, sql: string): Promise<string | null> {
  const classification = await engine.classify(sql);
  const verdict = judgeClassification(classification, 'read');
  if (verdict.decision === 'deny')
    return `not run: ${verdict.reason ?? verdict.code ?? 'refused by the statement guard'}`;
  const policy = tablePolicy(source.deny_tables);
  const denied = classification.tables.filter((t) => policy.denies(t));
  if (denied.length)
    return `not run: it reads ${denied.map((t) => (t.schema ? `${t.schema}.${t.name}` : t.name)).join(', ')}, which this source's deny_tables keeps out of reach`;
  return null;
}

async function sampleOf(
  engine: EngineAdapter,
  source: ResolvedSource,
  check: DataCheck,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<CellValue[][]> {
  if (tablePolicy(source.deny_tables).denies(check.table)) return [];
  const res = await engine.runRead({ sql: check.sample_sql, maxRows: 5, timeoutMs, ...(signal ? { signal } : {}) });
  return maskRows(source.masking, res.columns, res.rows, undefined).rows;
}

export async function runCheck(
  engine: EngineAdapter,
  source: ResolvedSource,
  check: DataCheck,
  statement: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const base = {
    code: check.code,
    statement,
    table: `${check.table.schema}.${check.table.name}`,
    description: check.description,
    query: check.count_sql,
  };
  try {
    const refused =
      (await refusal(engine, source, check.count_sql)) ?? (await refusal(engine, source, check.sample_sql));
    if (refused) return { ...base, violations: null, sample: [], error: refused };
    const counted = await engine.runRead({
      sql: check.count_sql,
      maxRows: 1,
      timeoutMs,
      ...(signal ? { signal } : {}),
    });
    const violations = Number(counted.rows[0]?.[0] ?? 0);
    const sample = violations > 0 ? await sampleOf(engine, source, check, timeoutMs, signal) : [];
    return { ...base, violations, sample, error: null };
  } catch (err) {
    return { ...base, violations: null, sample: [], error: (err as Error).message };
  }
}
