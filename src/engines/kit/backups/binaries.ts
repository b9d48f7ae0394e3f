/**
 * Finds the client programs backups need (pg_dump, pg_restore, mariadb-dump, ...): first on PATH,
 * then in the folders packages install them to without putting them on PATH
 * (/usr/lib/postgresql/<version>/bin on Debian and Ubuntu, the newest version first).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ToolError } from '../../../core/errors.js';

export interface BinarySpec {
  /** Names to try, in order, e.g. ['mariadb-dump', 'mysqldump']. */
  names: readonly string[];
  /** Folders holding versioned installs, e.g. '/usr/lib/postgresql' (its <version>/bin subfolders are searched, newest first). */
  versionedRoots?: readonly string[];
  /** How to install it, for the error. */
  install: string;
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function versionedBins(root: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return [];
  }
  return entries
    .filter((e) => /^\d+(\.\d+)?$/.test(e))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(root, v, 'bin'));
}

/** The folders searched, in order. */
export function searchPath(spec: BinarySpec, env: NodeJS.ProcessEnv = process.env): string[] {
  const onPath = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return [...onPath, ...(spec.versionedRoots ?? []).flatMap(versionedBins)];
}

/** The absolute path of the first program found, or undefined. */
export function findBinary(spec: BinarySpec, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of searchPath(spec, env)) {
    for (const name of spec.names) {
      const file = path.join(dir, name);
      if (executable(file)) return file;
    }
  }
  return undefined;
}

/** The program, or a ToolError naming what was searched and how to install it. */
export function requireBinary(spec: BinarySpec, env: NodeJS.ProcessEnv = process.env): string {
  const found = findBinary(spec, env);
  if (found) return found;
  const roots = (spec.versionedRoots ?? []).map((r) => `${r}/<version>/bin`);
  throw new ToolError(
    'PROGRAM_NOT_FOUND',
    `${spec.names.join(' or ')} is not installed on the machine running dba-mcp (looked on PATH${roots.length ? ` and in ${roots.join(', ')}` : ''})`,
    `Install it: ${spec.install}. Then call this tool again (no restart needed).`,
  );
}

export const PG_BINARY_ROOTS = ['/usr/lib/postgresql', '/usr/pgsql'];
export const PG_INSTALL =
  "the PostgreSQL client programs of the server's major version or newer (Debian/Ubuntu: apt-get install postgresql-client; RHEL: dnf install postgresql; macOS: brew install libpq)";
export const MYSQL_INSTALL =
  'the MariaDB or MySQL client programs (Debian/Ubuntu: apt-get install mariadb-client or mysql-client; RHEL: dnf install mariadb; macOS: brew install mariadb)';
