/**
 * The loop every engine's apply shares: the steps in order, each statement of a step run by the
 * engine, rows changed summed, stopping at the first failure. The engine says how to run one
 * statement, how to recover its connection after a failed step (roll back the open transaction),
 * and how its errors read.
 */
import type { RunnableStep, StepOutcome } from '../../contract/migrations.js';
import type { ToolError } from '../../../core/errors.js';

export interface StepRunner {
  /** Runs one statement; the rows it changed, or null when it changes none (DDL). */
  run(sql: string): Promise<number | null> | number | null;
  /** After a failed step: leave the connection usable (roll back what the step left open). */
  recover(step: RunnableStep): Promise<void> | void;
  /** The engine's error, as a ToolError; `sql` is the statement that failed. */
  error(err: unknown, sql: string): ToolError;
}

export async function runSteps(
  steps: readonly RunnableStep[],
  runner: StepRunner,
  onStep: (s: StepOutcome) => void,
): Promise<StepOutcome[]> {
  const done: StepOutcome[] = [];
  for (const step of steps) {
    const started = performance.now();
    let rows: number | null = null;
    let current = '';
    let outcome: StepOutcome;
    try {
      for (const sql of step.statements) {
        current = sql;
        const n = await runner.run(sql);
        if (n !== null) rows = (rows ?? 0) + n;
      }
      outcome = { n: step.n, ok: true, ms: Math.round(performance.now() - started), rows_affected: rows };
    } catch (err) {
      await runner.recover(step);
      const e = runner.error(err, current);
      outcome = {
        n: step.n,
        ok: false,
        ms: Math.round(performance.now() - started),
        rows_affected: rows,
        error: { code: e.code, message: e.message },
      };
    }
    done.push(outcome);
    onStep(outcome);
    if (!outcome.ok) break;
  }
  return done;
}
