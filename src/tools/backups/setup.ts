/** What the three backup tools need from a call's context: the engine's backup side, the dir, the limits. */
import fs from 'node:fs';
import path from 'node:path';
import type { BackupEnv, BackupOps } from '../../engines/contract/backups.js';
import { ToolError } from '../../core/errors.js';
import type { SourceContext } from '../define-tool.js';
import { DsnError, parseDsn, type ParsedDsn } from '../../config/dsn.js';
import { resolveBackupDir } from '../../engines/kit/backups/files.js';

export interface BackupSetup {
  sourceId: string;
  ops: BackupOps;
  env: BackupEnv;
  stateDir: string;
}

/** The state dir: the approvals store lives in <state_dir>/approvals. */
export function stateDirOf(ctx: SourceContext): string {
  return path.dirname(ctx.approvals.dir);
}

export function backupOpsOf(ctx: SourceContext): BackupOps {
  const ops = ctx.engine.backups;
  if (!ops)
    throw new ToolError(
      'UNSUPPORTED_BY_ENGINE',
      `${ctx.engine.name} has no backup support in dba-mcp`,
      'Backups are supported on PostgreSQL, MySQL/MariaDB and SQLite.',
    );
  return ops;
}

/** The setup, or undefined when the source has no backups section. */
export function backupSetupOf(ctx: SourceContext): BackupSetup | undefined {
  const config = ctx.source.backups;
  if (!config) return undefined;
  const stateDir = stateDirOf(ctx);
  const env: BackupEnv = {
    dir: resolveBackupDir(config.dir, stateDir),
    maxAgeHours: config.max_age_hours,
    signal: ctx.signal,
    ...(config.scratch_dsn ? { scratch: scratchOf(config.scratch_dsn) } : {}),
    ...(config.pgbackrest_stanza ? { pgbackrestStanza: config.pgbackrest_stanza } : {}),
    ...(ctx.progress ? { progress: ctx.progress } : {}),
  };
  return { sourceId: ctx.source.id, ops: backupOpsOf(ctx), env, stateDir };
}

export function requireBackupSetup(ctx: SourceContext): BackupSetup {
  const setup = backupSetupOf(ctx);
  if (!setup) {
    throw new ToolError(
      'NOT_CONFIGURED',
      `source "${ctx.source.id}" has no backup dir configured`,
      `Add to the source in the config file: backups: { dir: /var/backups/${ctx.source.id}, max_age_hours: 24 } (a relative dir is under the state dir).`,
    );
  }
  return setup;
}

/** The backup dir, which must exist (create_backup makes it). */
export function existingDir(dir: string): void {
  if (!fs.existsSync(dir))
    throw new ToolError(
      'INVALID_ARGUMENT',
      `the backup dir ${dir} does not exist`,
      'create_backup makes it; or fix backups.dir in the config.',
    );
}

/** backups.scratch_dsn, parsed; a DSN no engine reads is the caller's configuration to fix. */
function scratchOf(dsn: string): ParsedDsn {
  try {
    return parseDsn(dsn);
  } catch (err) {
    if (err instanceof DsnError)
      throw new ToolError(
        'INVALID_ARGUMENT',
        `backups.scratch_dsn: ${err.message}`,
        'Fix backups.scratch_dsn in the config: a postgres://, mysql:// or mariadb:// DSN of a server where the login may create scratch databases.',
      );
    throw err;
  }
}
