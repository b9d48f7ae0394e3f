/** Small shared helpers for health checks: statuses, thresholds, and the text of other sessions' queries. */
import { redactText } from '../../../core/redact.js';
import type { CheckStatus, HealthCheck, HealthFinding } from '../../contract/health.js';

export type CheckResult = Omit<HealthFinding, 'id'>;

const RANK: Record<CheckStatus, number> = { skipped: 0, ok: 1, warn: 2, fail: 3 };

/**
 * The worst of some statuses; a skipped check does not make the whole worse than ok, but when no
 * check could run at all the answer is warn: nothing was seen, so nothing can be called healthy.
 */
export function worst(statuses: readonly CheckStatus[]): 'ok' | 'warn' | 'fail' {
  if (statuses.every((s) => s === 'skipped')) return 'warn';
  const top = statuses.reduce<CheckStatus>((a, b) => (RANK[b] > RANK[a] ? b : a), 'ok');
  return top === 'skipped' ? 'ok' : top;
}

/** warn at or above `warnAt`, fail at or above `failAt`. */
export function level(value: number, warnAt: number, failAt: number): CheckStatus {
  if (value >= failAt) return 'fail';
  if (value >= warnAt) return 'warn';
  return 'ok';
}

export function ok(message: string, evidence: Record<string, unknown> = {}): CheckResult {
  return { status: 'ok', message, evidence, fix: null };
}

export function skipped(message: string, fix: string | null, evidence: Record<string, unknown> = {}): CheckResult {
  return { status: 'skipped', message, evidence, fix };
}

/** Another session's statement as evidence: cut to a few hundred characters, password literals scrubbed. */
export function queryText(sql: string | null | undefined, max = 300): string | null {
  if (sql === null || sql === undefined) return null;
  const flat = sql.replace(/\s+/g, ' ').trim();
  return redactText(flat.length > max ? `${flat.slice(0, max)}...` : flat);
}

/** Seconds rounded to one decimal, for evidence. */
export function secs(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? Math.round(n * 10) / 10 : null;
}

export function pct(part: number, whole: number): number {
  return whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * A session check run by a login that sees only its own sessions (PostgreSQL without
 * pg_read_all_stats, MySQL without PROCESS) cannot say "all is well": its ok becomes skipped,
 * with the grant that would let it see. Findings it did make are kept.
 */
export function needsVisibility(check: HealthCheck, seesAll: () => Promise<boolean>, grant: string): HealthCheck {
  return async (opts) => {
    const all = await seesAll();
    if (all) return check(opts);
    const note = `this login sees only its own sessions; ${grant}`;
    let result: CheckResult;
    try {
      result = await check(opts);
    } catch (err) {
      return {
        status: 'skipped',
        message: `could not run with this login's privileges: ${(err as Error).message}`,
        evidence: {},
        fix: note,
      };
    }
    if (result.status === 'ok')
      return {
        ...result,
        status: 'skipped',
        message: `${result.message}, among the sessions this login can see`,
        fix: note,
      };
    return { ...result, fix: `${result.fix ?? ''} (Note: ${note}.)`.trim() };
  };
}
