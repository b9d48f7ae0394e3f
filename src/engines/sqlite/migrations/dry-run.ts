/**
 * The SQLite dry run, bounded. better-sqlite3 is synchronous and neither a worker's terminate()
 * nor anything else interrupts a statement in progress, so a step such as DROP TABLE on a parent
 * with foreign keys on (an implicit DELETE checking every child row) would block the server for
 * minutes. The steps therefore run in a child process, one transaction rolled back at the end; a
 * step still running after the statement bound is stopped by killing the child (SQLite rolls the
 * hot journal back on the next open, which we do at once) and reported like PostgreSQL's bound.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import type { DryRunReport, RunnableStep, StepTimeouts } from '../../contract/migrations.js';
import { toSqliteToolError } from '../core/errors.js';

const require = createRequire(import.meta.url);

/**
 * Plain CommonJS run by `node -e` in a child process: reads the job on its stdin, writes one JSON
 * line per event on its stdout, which is a pipe read by dryRunSqlite below, never the server's
 * stdout (the server's own stdout stays JSON-RPC only).
 */
const CHILD = String.raw`
const Database = require(process.env.DBA_MCP_BSQ);
const say = (m) => process.stdout.write(JSON.stringify(m) + '\n');
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const job = JSON.parse(input);
  let db;
  try {
    db = new Database(job.file, { fileMustExist: true, timeout: job.lockMs });
  } catch (err) {
    say({ open: err.message, code: err.code });
    return;
  }
  try {
    if (job.foreignKeysOff) db.pragma('foreign_keys = OFF');
    db.exec('BEGIN IMMEDIATE');
    for (const step of job.steps) {
      if (step.body.length === 0) { say({ n: step.n, skipped: true }); continue; }
      say({ start: step.n });
      db.exec('SAVEPOINT dba_mcp_step');
      try {
        for (const sql of step.body) {
          const stmt = db.prepare(sql);
          if (!stmt.reader) { stmt.run(); continue; }
          const rows = stmt.all();
          if (/^\s*pragma\s+foreign_key_check\b/i.test(sql) && rows.length) throw new Error('foreign_key_check found ' + rows.length + ' row(s) whose parent is missing, e.g. ' + JSON.stringify(rows[0]));
        }
        db.exec('RELEASE dba_mcp_step');
        say({ n: step.n, ok: true });
      } catch (err) {
        db.exec('ROLLBACK TO dba_mcp_step');
        say({ n: step.n, ok: false, error: err.message });
        break;
      }
    }
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
    say({ done: true });
  }
});
`;

type ChildEvent =
  | { open: string; code?: string }
  | { start: number }
  | { n: number; skipped: true }
  | { n: number; ok: boolean; error?: string }
  | { done: true };

const boundText = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`);

/** Opens the file read-write once, so a hot journal left by a killed child is rolled back now. */
function recover(file: string): void {
  const db = new Database(file, { fileMustExist: true, timeout: 5_000 });
  try {
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    // A journal the child never synced is not hot (nothing reached the database file), so the
    // read above leaves it behind; a write transaction on main, rolled back, makes SQLite delete it.
    db.exec('BEGIN IMMEDIATE; CREATE TABLE main.dba_mcp_recover (x); ROLLBACK');
  } finally {
    db.close();
  }
}

export function dryRunSqlite(file: string, steps: readonly RunnableStep[], t: StepTimeouts): Promise<DryRunReport> {
  const report: DryRunReport = { outcome: 'rolled-back', reason: null, steps: [] };
  const job = {
    file,
    lockMs: Math.max(1, t.lock_timeout_ms),
    foreignKeysOff: steps.some((s) => s.statements.some((x) => /^pragma\s+foreign_keys\s*=\s*off/i.test(x))),
    steps: steps.map((s) => ({ n: s.n, body: s.dry_run_body })),
  };
  const child = spawn(process.execPath, ['-e', CHILD], {
    env: { ...process.env, DBA_MCP_BSQ: require.resolve('better-sqlite3') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise<DryRunReport>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let buffered = '';
    let stopped = false;
    let openError: { open: string; code?: string } | undefined;
    let done = false;
    let stderr = '';
    const onEvent = (e: ChildEvent) => {
      clearTimeout(timer);
      if ('done' in e) done = true;
      else if ('open' in e) openError = e;
      else if ('start' in e) {
        timer = setTimeout(() => {
          stopped = true;
          const bound = boundText(t.statement_timeout_ms);
          report.steps.push({
            n: e.start,
            ok: true,
            error: `stopped after ${bound} (the dry run's bound); it had not failed`,
          });
          report.reason = `step ${e.start} ran longer than the dry run's ${bound} bound and was stopped; later steps were not tried`;
          child.kill('SIGKILL');
        }, t.statement_timeout_ms);
      } else if ('skipped' in e)
        report.steps.push({ n: e.n, ok: true, error: 'skipped: cannot run inside a transaction' });
      else if ('ok' in e) {
        report.steps.push(e.ok ? { n: e.n, ok: true } : { n: e.n, ok: false, error: e.error ?? 'failed' });
        if (!e.ok) {
          report.outcome = 'failed';
          report.reason = `step ${e.n} failed: ${e.error ?? 'failed'}`;
        }
      }
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim() && !stopped) onEvent(JSON.parse(line) as ChildEvent);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (err) => reject(toSqliteToolError(err, file)));
    child.on('close', () => {
      clearTimeout(timer);
      if (openError)
        return reject(
          toSqliteToolError(
            Object.assign(new Error(openError.open), openError.code ? { code: openError.code } : {}),
            file,
          ),
        );
      if (!done && !stopped) {
        report.outcome = 'failed';
        report.reason = `the dry run stopped unexpectedly: ${stderr.trim().split('\n').pop() ?? 'no output'}`;
      }
      try {
        if (stopped) recover(file);
      } catch (err) {
        return reject(toSqliteToolError(err, file));
      }
      resolve(report);
    });
    child.stdin.end(JSON.stringify(job));
  });
}
