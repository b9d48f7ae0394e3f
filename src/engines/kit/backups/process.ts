/**
 * Runs a client program (pg_dump, pg_restore, mariadb, ...) without a shell: arguments as an
 * array, secrets only in the environment, stdin from a file and stdout to a file when asked,
 * stderr kept (the last 64 kB) for the error message. Aborting the call kills the program.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ToolError } from '../../../core/errors.js';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  stdinFile?: string;
  stdoutFile?: string;
  /** Called with each complete stderr line (e.g. pg_dump --verbose progress). */
  onStderrLine?: (line: string) => void;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const KEEP = 64 * 1024;

function keepTail(text: string): string {
  return text.length > KEEP ? text.slice(-KEEP) : text;
}

export function runProgram(bin: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const cancelled = () =>
      new ToolError(
        'QUERY_CANCELLED',
        `the call was cancelled by the client; ${path.basename(bin)} was stopped`,
        'Nothing was kept: a partial backup file or scratch database is removed. Call the tool again when you want it.',
      );
    if (opts.signal?.aborted) return reject(cancelled());
    const out = opts.stdoutFile ? fs.openSync(opts.stdoutFile, 'wx', 0o600) : undefined;
    const input = opts.stdinFile ? fs.openSync(opts.stdinFile, 'r') : undefined;
    const child = spawn(bin, [...args], {
      env: opts.env ?? process.env,
      stdio: [input ?? 'ignore', out ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout = keepTail(stdout + c)));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      stderr = keepTail(stderr + c);
      if (!opts.onStderrLine) return;
      const lines = (partial + c).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) opts.onStderrLine(line);
    });
    const kill = () => child.kill('SIGTERM');
    opts.signal?.addEventListener('abort', kill, { once: true });
    const closeFds = () => {
      if (out !== undefined) fs.closeSync(out);
      if (input !== undefined) fs.closeSync(input);
      opts.signal?.removeEventListener('abort', kill);
    };
    child.once('error', (err) => {
      closeFds();
      reject(err);
    });
    child.once('close', (code, signal) => {
      closeFds();
      if (opts.signal?.aborted) reject(cancelled());
      else resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The last meaningful lines of a program's stderr, for an error message. */
export function stderrTail(text: string, lines = 6): string {
  return text.trim().split('\n').filter(Boolean).slice(-lines).join('\n');
}

/** A client program that failed for a reason outside the backup (login, network, privileges), as a ToolError. */
export function programError(program: string, result: RunResult, redact: (s: string) => string = (s) => s): ToolError {
  const tail = redact(stderrTail(result.stderr) || `exit code ${result.code ?? result.signal}`);
  const message = `${program} failed: ${tail}`;
  if (/password authentication|access denied for user|authentication failed/i.test(tail))
    return new ToolError('AUTH_FAILED', message, 'Check the user and password in the DSN.');
  if (/permission denied|access denied|insufficient privilege|command denied/i.test(tail))
    return new ToolError(
      'PERMISSION_DENIED',
      message,
      `The login lacks a privilege ${program} needs (see the README for the grants backups need).`,
    );
  if (/could not connect|connection refused|can't connect|server closed the connection|lost connection/i.test(tail))
    return new ToolError('CONNECTION_FAILED', message, 'Is the server running and reachable? Check the DSN.');
  if (/version mismatch|server version/i.test(tail))
    return new ToolError(
      'UNSUPPORTED_BY_ENGINE',
      message,
      `Install ${program} of the server's major version or newer.`,
    );
  return new ToolError('INTERNAL', message, `${program} stopped with an error; its message is above.`);
}
