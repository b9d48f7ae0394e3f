/**
 * Prints one plain closing line, "Tests: N passed, N failed, N skipped", after vitest's own
 * report, so tools that read the last line of a run see the counts in a standard form.
 *
 * "failed" is every way a run can fail, not only a failed test:
 * - a test that failed (including a failed beforeEach/afterEach, which fails its test);
 * - a test that was collected to run but never ran because its suite or module failed around it
 *   (a beforeAll that threw): vitest marks it skipped, but nobody chose to skip it;
 * - a suite or module that failed by itself, when no test above already carries that failure:
 *   an afterAll that threw, a module that threw while it was imported or collected, a suite with
 *   no test in it;
 * - each unhandled error (an unhandled rejection or exception during the run);
 * - and a run vitest ended as failed or interrupted counts at least one failure, whatever the
 *   above found.
 * "skipped" is only what was skipped on purpose: it.skip/todo, a name filter, ctx.skip().
 */
import {
  experimental_getRunnerTask,
  type Reporter,
  type SerializedError,
  type TestCase,
  type TestModule,
  type TestRunEndReason,
  type TestSuite,
} from 'vitest/node';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** The nearest suite or module around a test that failed by itself, if any. */
function failedAround(test: TestCase): TestSuite | TestModule | undefined {
  for (let at: TestSuite | TestModule = test.parent; ; at = at.parent) {
    if (at.errors().length > 0) return at;
    if (at.type === 'module') return undefined;
  }
}

/** A test vitest reports as skipped although it was meant to run: its suite failed before it. */
function stoppedByFailure(test: TestCase): TestSuite | TestModule | undefined {
  if (test.options.mode !== 'run' && test.options.mode !== 'only') return undefined; // skipped on purpose
  // A test that started (it has a duration) and ended skipped skipped itself: ctx.skip().
  if (experimental_getRunnerTask(test).result?.duration !== undefined) return undefined;
  return failedAround(test);
}

export function summarize(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError>,
  reason: TestRunEndReason,
): Counts {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const mod of testModules) {
    const carried = new Set<TestSuite | TestModule>();
    for (const test of mod.children.allTests()) {
      const { state } = test.result();
      if (state === 'passed') counts.passed++;
      else if (state === 'failed') counts.failed++;
      else if (state === 'pending')
        counts.failed++; // never finished
      else {
        const cause = stoppedByFailure(test);
        if (cause) {
          counts.failed++;
          carried.add(cause);
        } else counts.skipped++;
      }
    }
    for (const entity of [mod, ...mod.children.allSuites()])
      if (entity.errors().length > 0 && !carried.has(entity)) counts.failed++;
  }
  counts.failed += unhandledErrors.length;
  if (reason !== 'passed' && counts.failed === 0) counts.failed = 1;
  return counts;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    const counts = summarize(testModules, unhandledErrors, reason);
    process.stdout.write(`\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
