/**
 * One writer per log: two servers appending to one chain would fork it. The lock is a file made
 * with O_EXCL that holds the writer's pid; a lock whose pid is no longer alive (a server killed
 * with -9) is stale and taken over. Limitation: a stale pid reused by an unrelated process keeps
 * the lock until that process ends or the file is removed by hand.
 */
import fs from 'node:fs';
import { processAlive } from '../core/process-alive.js';

export class AuditLockedError extends Error {
  override readonly name = 'AuditLockedError';
  constructor(
    readonly lockFile: string,
    readonly pid: number,
  ) {
    super(`another dba-mcp process (pid ${pid}) is writing this audit log (lock ${lockFile})`);
  }
}

function holder(lockFile: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(lockFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function justCreated(lockFile: string): boolean {
  try {
    return Date.now() - fs.statSync(lockFile).mtimeMs < 2_000;
  } catch {
    return false;
  }
}

function tryCreate(lockFile: string): boolean {
  try {
    const fd = fs.openSync(lockFile, 'wx', 0o600);
    try {
      fs.writeSync(fd, `${process.pid}\n`);
    } finally {
      fs.closeSync(fd);
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Takes the lock or throws AuditLockedError (held by a live process) or the fs error. */
export function acquireLock(lockFile: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(lockFile)) return () => releaseLock(lockFile);
    const pid = holder(lockFile);
    if (pid !== undefined && processAlive(pid)) throw new AuditLockedError(lockFile, pid);
    if (pid === undefined && justCreated(lockFile)) throw new AuditLockedError(lockFile, 0); // its writer is filling it in
    fs.rmSync(lockFile, { force: true }); // stale (or left empty by a crash): take it over
  }
  throw new AuditLockedError(lockFile, holder(lockFile) ?? 0);
}

function releaseLock(lockFile: string): void {
  if (holder(lockFile) === process.pid) fs.rmSync(lockFile, { force: true });
}
