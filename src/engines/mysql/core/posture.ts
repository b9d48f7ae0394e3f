/** What the MySQL/MariaDB login can do beyond reading, from SHOW GRANTS (the server's own words). */
import type { Posture, PostureFinding } from '../../contract/engine.js';
import type { MysqlDriver } from './driver.js';

const FIX =
  'Connect dba-mcp with a login that has only SELECT and SHOW VIEW (see the README: "A least-privilege login for dba-mcp").';

const CRITICAL: Record<string, string> = {
  'ALL PRIVILEGES': 'every privilege, like a superuser',
  SUPER: 'SUPER: it can change global settings and kill any session',
  FILE: 'FILE: SELECT ... INTO OUTFILE and LOAD_FILE() read and write server files',
  SHUTDOWN: 'SHUTDOWN: it can stop the server',
  'CREATE USER': 'CREATE USER: it can create logins',
  'GRANT OPTION': 'GRANT OPTION: it can hand its privileges to others',
};

const WARNING: Record<string, string> = {
  PROCESS: "PROCESS: SHOW PROCESSLIST shows other sessions' SQL, passwords included",
  RELOAD: 'RELOAD: it can FLUSH',
  'CONNECTION ADMIN': 'CONNECTION ADMIN: it can kill other sessions',
  INSERT: 'INSERT',
  UPDATE: 'UPDATE',
  DELETE: 'DELETE',
  CREATE: 'CREATE',
  DROP: 'DROP',
  ALTER: 'ALTER',
  INDEX: 'INDEX',
  'CREATE TEMPORARY TABLES': 'CREATE TEMPORARY TABLES',
  'LOCK TABLES': 'LOCK TABLES',
  EXECUTE: 'EXECUTE (stored routines may write)',
  'CREATE ROUTINE': 'CREATE ROUTINE',
  'ALTER ROUTINE': 'ALTER ROUTINE',
  TRIGGER: 'TRIGGER',
  EVENT: 'EVENT',
  'CREATE VIEW': 'CREATE VIEW',
};

interface Grant {
  privileges: string[];
  on: string;
}

/** `GRANT SELECT, INSERT ON `shop`.* TO ... [WITH GRANT OPTION]` → privileges and scope; roles and proxies are skipped. */
export function parseGrant(line: string): Grant | undefined {
  const m = /^GRANT (.+?) ON (?:(?:TABLE|FUNCTION|PROCEDURE) )?(\S+) TO /i.exec(line);
  if (!m) return undefined;
  const privileges = m[1]!.split(/,\s*/).map((p) =>
    p
      .replace(/\s*\(.*\)$/, '')
      .trim()
      .toUpperCase(),
  );
  if (/WITH GRANT OPTION/i.test(line)) privileges.push('GRANT OPTION');
  return { privileges, on: m[2]! };
}

export function grantFindings(login: string, grants: Grant[]): PostureFinding[] {
  const out = new Map<string, PostureFinding>();
  for (const { privileges, on } of grants) {
    for (const p of privileges) {
      const critical = CRITICAL[p];
      const warning = WARNING[p];
      if (critical)
        out.set(p, {
          id: p.toLowerCase().replace(/ /g, '_'),
          severity: 'critical',
          message: `${login} has ${critical} (on ${on})`,
          fix: FIX,
        });
      else if (warning && !out.has(p))
        out.set(p, {
          id: p.toLowerCase().replace(/ /g, '_'),
          severity: 'warning',
          message: `${login} has ${warning} on ${on}`,
          fix: FIX,
        });
    }
  }
  return [...out.values()];
}

export async function mysqlPosture(driver: MysqlDriver): Promise<Posture> {
  const [who] = await driver.catalog<{ login: string }>('SELECT CURRENT_USER() AS login');
  const rows = await driver.catalog<Record<string, string>>('SHOW GRANTS');
  const lines = rows.map((r) => Object.values(r)[0] ?? '');
  const login = who?.login ?? 'unknown';
  return {
    login,
    findings: grantFindings(
      login,
      lines.map(parseGrant).filter((g): g is Grant => g !== undefined),
    ),
  };
}
