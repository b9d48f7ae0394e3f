/**
 * Runs the asked checks of an engine, each on its own: a check that cannot run (no privilege, a
 * view missing on this version) becomes `skipped` with the reason, and never fails the others.
 */
import type { HealthCheck, HealthCheckOptions, HealthFinding } from '../../engines/contract/health.js';
import { isToolError, ToolError } from '../../core/errors.js';
import { worst } from '../../engines/kit/health/judge.js';

export interface HealthReport {
  status: 'ok' | 'warn' | 'fail';
  checks: HealthFinding[];
}

/** The check ids to run: all, or the asked ones (unknown ids are refused with the valid list). */
export function selectChecks(
  available: ReadonlyMap<string, HealthCheck>,
  asked: readonly string[] | undefined,
): string[] {
  if (!asked || asked.length === 0) return [...available.keys()];
  const unknown = asked.filter((id) => !available.has(id));
  if (unknown.length) {
    throw new ToolError(
      'INVALID_ARGUMENT',
      `unknown check${unknown.length > 1 ? 's' : ''} for this engine: ${unknown.join(', ')}`,
      `Valid checks here: ${[...available.keys()].join(', ')}. Leave checks out to run them all.`,
    );
  }
  return [...new Set(asked)];
}

/** The database itself cannot be reached: no check can say anything, so the call fails with the reason. */
const UNREACHABLE = new Set(['CONNECTION_FAILED', 'AUTH_FAILED', 'DATABASE_NOT_FOUND']);

async function runOne(id: string, check: HealthCheck, opts: HealthCheckOptions): Promise<HealthFinding> {
  try {
    return { id, ...(await check(opts)) };
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    if (isToolError(err) && UNREACHABLE.has(err.code)) throw err;
    const reason = isToolError(err) ? `${err.code}: ${err.message}` : (err as Error).message;
    const fix =
      isToolError(err) && err.code === 'PERMISSION_DENIED'
        ? 'Grant the login the monitoring role or privileges this check reads (check_security shows the DDL of a least-privilege login that can).'
        : null;
    return { id, status: 'skipped', message: `could not run: ${reason}`, evidence: {}, fix };
  }
}

export async function runHealthChecks(
  available: ReadonlyMap<string, HealthCheck>,
  ids: readonly string[],
  opts: HealthCheckOptions,
): Promise<HealthReport> {
  const checks = await Promise.all(ids.map((id) => runOne(id, available.get(id)!, opts)));
  return { status: worst(checks.map((c) => c.status)), checks };
}
