import fs from 'node:fs';
import type { HealthCheck, HealthOps, SecurityFinding } from '../../contract/health.js';
import type { EngineDeps, EngineSource } from '../../contract/engine.js';
import type { SqliteDriver } from '../core/driver.js';
import { duplicateIndexes, freelist, quickCheck, wal } from './checks.js';
import { sensitiveColumns } from '../../kit/health/sensitive.js';

/**
 * The sqlite side of check_health and check_security. SQLite keeps no statement statistics and
 * has no sessions or logins: top_queries and cancel/terminate are not offered (UNSUPPORTED_BY_ENGINE).
 */
export function createHealth(driver: SqliteDriver, _source: EngineSource, _deps: EngineDeps): HealthOps | undefined {
  const checks = new Map<string, HealthCheck>([
    ['quick_check', quickCheck(driver)],
    ['freelist', freelist(driver)],
    ['wal', wal(driver)],
    ['duplicate_indexes', duplicateIndexes(driver)],
  ]);
  return {
    checks,
    async securityReport({ isSensitive }) {
      const columns = driver.all<{ schema: string; table: string; column: string; type: string }>(
        `SELECT 'main' AS schema, m.name AS "table", c.name AS "column", c.type AS type FROM sqlite_schema m, pragma_table_info(m.name) c WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name, c.cid`,
      );
      return {
        findings: fileFindings(driver.file),
        sensitive_columns: sensitiveColumns(columns, isSensitive),
        readonly_login_ddl: readonlyAdvice(driver.file),
      };
    },
  };
}

/** SQLite's security is the file's: who may read or write it. */
function fileFindings(file: string): SecurityFinding[] {
  const mode = fs.statSync(file).mode & 0o777;
  const out: SecurityFinding[] = [];
  const octal = `0${mode.toString(8)}`;
  if (mode & 0o002)
    out.push({
      id: 'file_world_writable',
      severity: 'critical',
      message: `the database file is writable by every user on the machine (mode ${octal})`,
      evidence: { file, mode: octal },
      fix: `chmod o-w ${file}`,
    });
  else if (mode & 0o004)
    out.push({
      id: 'file_world_readable',
      severity: 'warning',
      message: `the database file is readable by every user on the machine (mode ${octal})`,
      evidence: { file, mode: octal },
      fix: `chmod o-r ${file} (and the same for its -wal and -shm files)`,
    });
  out.push({
    id: 'no_logins',
    severity: 'info',
    message: 'SQLite has no logins, roles or row-level security: whoever can read the file reads everything in it',
    evidence: { file, mode: octal },
    fix: 'Restrict the file (and its directory) to the account that runs the application; encrypt at rest if it holds personal data.',
  });
  return out;
}

function readonlyAdvice(file: string): string {
  return [
    '-- SQLite has no logins: read-only is a property of how the file is opened and of file permissions.',
    '-- dba-mcp already opens it read-only (query_only). Run dba-mcp as an account that may only read the file:',
    `-- chmod 640 ${file}; chown app:dba ${file}   (dba-mcp's account in group dba)`,
  ].join('\n');
}
