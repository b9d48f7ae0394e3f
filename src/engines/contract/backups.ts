/**
 * The engine side of check_backups / create_backup / verify_backup (#8). Engine-independent work
 * (manifests, proofs, listing the backup dir, comparing row counts, finding binaries) lives in
 * src/backups/; an engine only knows its own tools, files and server facts.
 */
import type { ParsedDsn } from './source.js';

/** ok and fail speak for themselves; warn needs attention; info is a fact that does not change the verdict. */
export type BackupCheckStatus = 'ok' | 'warn' | 'fail' | 'info';

export type Evidence = Record<string, string | number | boolean | null>;

export interface BackupCheck {
  id: string;
  status: BackupCheckStatus;
  message: string;
  evidence: Evidence;
  /** What to do about a warn or fail. */
  fix?: string;
}

/** Rows of one table; `table` is schema.table where the engine has schemas that a restore keeps (PostgreSQL), else the name. */
export interface TableCount {
  table: string;
  rows: number;
}

export type ProgressFn = (done: number, total?: number, message?: string) => Promise<void>;

export interface BackupEnv {
  /** The absolute backup dir. */
  dir: string;
  maxAgeHours: number;
  /** Where verify_backup creates its scratch database (server engines); default: the source's server. */
  scratch?: ParsedDsn;
  /** PostgreSQL: the pgBackRest stanza of this source. */
  pgbackrestStanza?: string;
  signal: AbortSignal;
  progress?: ProgressFn;
}

export interface DumpResult {
  /** The program and its version, e.g. "pg_dump (PostgreSQL) 15.20". */
  tool: string;
  tables: TableCount[];
  /** Where the row counts come from, e.g. "the dump's own snapshot". */
  countsFrom: string;
}

export interface RestoreResult {
  tables: TableCount[];
  /** Wall time of the restore itself (the measured recovery time), without counting rows. */
  restoreMs: number;
  /** Where it was restored, e.g. "scratch database dba_bk_1a2b3c4d on 127.0.0.1:5432 (dropped)". */
  target: string;
}

/** What a restore says about the backup itself (not the environment): verify_backup reports it as a failed verification. */
export class BackupDefect extends Error {
  override readonly name = 'BackupDefect';
}

export interface BackupOps {
  /** The format create_backup writes, e.g. "pg_dump custom format". */
  readonly format: string;
  /** The file name extension create_backup uses, e.g. ".dump". */
  readonly extension: string;
  /** Whether a file is a backup of this engine, from its first bytes (up to 256) and its name. */
  isBackupFile(head: Buffer, name: string): boolean;
  /** Facts of the server and of engine-specific backups in the dir (WAL archiving, binary logs, base backups, journal mode). */
  readinessChecks(env: BackupEnv): Promise<BackupCheck[]>;
  /** A cheap look at one backup file: can the engine's own tool read it? */
  inspect(file: string, env: BackupEnv): Promise<{ ok: boolean; message: string; evidence: Evidence }>;
  /** Writes a backup of the source to `file`; reads the source only. */
  dump(file: string, env: BackupEnv): Promise<DumpResult>;
  /** Restores `file` into a scratch target, counts its rows and always removes the target. Throws BackupDefect when the backup is at fault. */
  restore(file: string, env: BackupEnv): Promise<RestoreResult>;
}
