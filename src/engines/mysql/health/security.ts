/**
 * MySQL/MariaDB security posture: accounts with SUPER / ALL, dangerous global privileges,
 * anonymous accounts and grants to everyone, accounts without passwords, SSL; sensitive columns;
 * and the DDL of a least-privilege read-only login for dba-mcp.
 */
import type { SecurityFinding, SecurityReport, SensitiveColumn } from '../../contract/health.js';
import { sensitiveColumns, tablesWithSensitive } from '../../kit/health/sensitive.js';
import type { MysqlDriver } from '../core/driver.js';
import { globalVariables } from './vars.js';
import { SYSTEM_SCHEMAS } from '../index-advisor/index-usage.js';

interface Account {
  user: string;
  host: string;
  super: string;
  file: string;
  process: string;
  shutdown: string;
  grant_opt: string;
  create_user: string;
  no_password: number | string;
  plugin: string;
  locked: string | null;
  is_role: string | null;
}

const DANGEROUS = [
  ['file', 'FILE'],
  ['process', 'PROCESS'],
  ['shutdown', 'SHUTDOWN'],
  ['grant_opt', 'GRANT OPTION'],
  ['create_user', 'CREATE USER'],
] as const;
const account = (a: Pick<Account, 'user' | 'host'>) => `'${a.user}'@'${a.host}'`;

/** MariaDB keeps account locking in mysql.global_priv (JSON); MySQL in mysql.user.account_locked. */
function accountsSql(variant: string): string {
  const cols = `u.User AS user, u.Host AS host, u.Super_priv AS super, u.File_priv AS file, u.Process_priv AS process, u.Shutdown_priv AS shutdown, u.Grant_priv AS grant_opt, u.Create_user_priv AS create_user, u.authentication_string = '' AS no_password, u.plugin`;
  return variant === 'mariadb'
    ? `SELECT ${cols}, JSON_VALUE(g.Priv, '$.account_locked') AS locked, u.is_role FROM mysql.user u LEFT JOIN mysql.global_priv g ON g.User = u.User AND g.Host = u.Host`
    : `SELECT ${cols}, u.account_locked AS locked, NULL AS is_role FROM mysql.user u`;
}

const isLocked = (a: Account) => a.locked === 'Y' || a.locked === 'true' || a.locked === '1' || a.is_role === 'Y';

function accountFindings(accounts: readonly Account[]): SecurityFinding[] {
  const live = accounts.filter((a) => !isLocked(a));
  const out: SecurityFinding[] = [];
  const supers = live.filter((a) => a.super === 'Y');
  if (supers.length) {
    const nonRoot = supers.filter((a) => a.user !== 'root');
    out.push({
      id: 'superuser_logins',
      severity: nonRoot.length || supers.some((a) => a.host === '%') ? 'critical' : 'warning',
      message: `${supers.length} account(s) with SUPER (server-wide admin): ${supers.map(account).join(', ')}`,
      evidence: { accounts: supers.map(account) },
      fix: `Keep one admin account reachable only from localhost; give applications only the grants they need: ${nonRoot.map((a) => `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${account(a)};`).join(' ') || 'no remote root.'}`,
    });
  }
  const risky = live.filter((a) => a.super !== 'Y' && DANGEROUS.some(([k]) => a[k] === 'Y'));
  if (risky.length)
    out.push({
      id: 'dangerous_privileges',
      severity: risky.some((a) => a.file === 'Y') ? 'critical' : 'warning',
      message: `${risky.length} account(s) with server-wide powers: ${risky
        .map(
          (a) =>
            `${account(a)} (${DANGEROUS.filter(([k]) => a[k] === 'Y')
              .map(([, n]) => n)
              .join(', ')})`,
        )
        .join('; ')}`,
      evidence: {
        accounts: risky.map((a) => ({
          account: account(a),
          privileges: DANGEROUS.filter(([k]) => a[k] === 'Y').map(([, n]) => n),
        })),
      },
      fix: "FILE reads and writes server files, PROCESS shows every session's statements, GRANT OPTION passes rights on: REVOKE FILE, PROCESS, SHUTDOWN, GRANT OPTION, CREATE USER ON *.* FROM <account> where not needed.",
    });
  const anonymous = live.filter((a) => a.user === '');
  if (anonymous.length)
    out.push({
      id: 'anonymous_accounts',
      severity: 'critical',
      message: `${anonymous.length} anonymous account(s) (any user name logs in): ${anonymous.map(account).join(', ')}`,
      evidence: { accounts: anonymous.map(account) },
      fix: anonymous.map((a) => `DROP USER ${account(a)};`).join(' '),
    });
  const noPassword = live.filter(
    (a) => Number(a.no_password) === 1 && /native|sha|^$/i.test(a.plugin) && a.user !== '',
  );
  if (noPassword.length)
    out.push({
      id: 'logins_without_password',
      severity: noPassword.some((a) => a.host !== 'localhost') ? 'critical' : 'warning',
      message: `${noPassword.length} account(s) that log in with an empty password: ${noPassword.map(account).join(', ')}`,
      evidence: { accounts: noPassword.map((a) => ({ account: account(a), plugin: a.plugin })) },
      fix: `Set a password or socket authentication: ${noPassword.map((a) => `ALTER USER ${account(a)} IDENTIFIED BY '<choose one>';`).join(' ')}`,
    });
  const wide = live.filter((a) => a.user === 'root' && a.host === '%');
  if (wide.length)
    out.push({
      id: 'root_from_anywhere',
      severity: 'critical',
      message: "'root'@'%' can log in from any host",
      evidence: { accounts: wide.map(account) },
      fix: "DROP USER 'root'@'%'; administer through 'root'@'localhost'.",
    });
  return out;
}

async function publicGrantFindings(driver: MysqlDriver): Promise<SecurityFinding[]> {
  const rows = await driver.catalog<{ grantee: string; db: string; privileges: string }>(`
    SELECT CASE WHEN User = '' THEN 'anonymous' ELSE User END AS grantee, Db AS db,
      CONCAT_WS(',', IF(Select_priv = 'Y', 'SELECT', NULL), IF(Insert_priv = 'Y', 'INSERT', NULL), IF(Update_priv = 'Y', 'UPDATE', NULL), IF(Delete_priv = 'Y', 'DELETE', NULL), IF(Create_priv = 'Y', 'CREATE', NULL), IF(Drop_priv = 'Y', 'DROP', NULL)) AS privileges
    FROM mysql.db WHERE User IN ('', 'PUBLIC')`);
  if (rows.length === 0) return [];
  return [
    {
      id: 'public_grants',
      severity: 'critical',
      message: `database grants to everyone (PUBLIC or the anonymous user): ${rows.map((r) => `${r.db} to ${r.grantee} (${r.privileges})`).join(', ')}`,
      evidence: { grants: rows },
      fix: 'Grant to named accounts or roles instead, and REVOKE ... FROM PUBLIC (MariaDB 10.11+) / delete the anonymous rows from mysql.db then FLUSH PRIVILEGES.',
    },
  ];
}

async function sslFindings(driver: MysqlDriver): Promise<SecurityFinding[]> {
  const [vars, cipher] = await Promise.all([
    globalVariables(driver, ['have_ssl', 'require_secure_transport', 'ssl_cert']),
    driver.catalog<{ Variable_name: string; Value: string }>(`SHOW SESSION STATUS LIKE 'Ssl_cipher'`),
  ]);
  const offered = vars.have_ssl ? vars.have_ssl === 'YES' : Boolean(vars.ssl_cert);
  const evidence = {
    have_ssl: vars.have_ssl ?? null,
    require_secure_transport: vars.require_secure_transport ?? null,
    this_connection_cipher: cipher[0]?.Value || null,
  };
  if (!offered)
    return [
      {
        id: 'ssl_off',
        severity: 'warning',
        message: 'the server does not offer TLS: passwords and data cross the network in clear text',
        evidence,
        fix: 'Configure ssl_cert / ssl_key (MariaDB 11.4+ and MySQL 8 generate them), then require_secure_transport=ON or REQUIRE SSL per account.',
      },
    ];
  if (vars.require_secure_transport !== 'ON')
    return [
      {
        id: 'ssl_not_required',
        severity: 'info',
        message: 'TLS is offered but not required: clients may still connect in clear text',
        evidence,
        fix: 'SET GLOBAL require_secure_transport = ON (or REQUIRE SSL per account).',
      },
    ];
  return [];
}

async function columnInventory(driver: MysqlDriver, database: string | undefined): Promise<SensitiveColumn[]> {
  const db = database ?? null;
  return driver.catalog<SensitiveColumn>(
    `
    SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS \`table\`, COLUMN_NAME AS \`column\`, COLUMN_TYPE AS type
    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA NOT IN ${SYSTEM_SCHEMAS} AND (? IS NULL OR TABLE_SCHEMA = ?) ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    [db, db],
  );
}

function noRlsFinding(sensitive: readonly SensitiveColumn[]): SecurityFinding[] {
  const byTable = tablesWithSensitive(sensitive);
  if (byTable.size === 0) return [];
  return [
    {
      id: 'no_row_level_security',
      severity: 'info',
      message: `${byTable.size} table(s) hold sensitive columns, and MySQL/MariaDB have no row-level security: whoever may SELECT them sees every row`,
      evidence: { tables: [...byTable].map(([table, columns]) => ({ table, sensitive_columns: columns })) },
      fix: 'Grant column-level SELECT (GRANT SELECT (id, name) ON db.t TO ...) or expose views without the sensitive columns (SQL SECURITY DEFINER) to accounts that must not see them.',
    },
  ];
}

function readonlyLoginDdl(database: string | undefined, variant: string): string {
  const db = database ? `\`${database.replace(/`/g, '``')}\`` : '<database>';
  return [
    "CREATE USER 'dba_mcp'@'%' IDENTIFIED BY '<choose one>' REQUIRE SSL;   -- drop REQUIRE SSL if the server offers no TLS",
    `GRANT SELECT, SHOW VIEW ON ${db}.* TO 'dba_mcp'@'%';`,
    "GRANT SELECT ON performance_schema.* TO 'dba_mcp'@'%';   -- top_queries, unused indexes, lock waits",
    `GRANT ${variant === 'mariadb' ? 'SLAVE MONITOR' : 'REPLICATION CLIENT'} ON *.* TO 'dba_mcp'@'%';   -- replication status`,
    "-- optional, for check_health to see other sessions' transactions (it also lets dba-mcp read their statements):",
    "-- GRANT PROCESS ON *.* TO 'dba_mcp'@'%';",
    "-- cancel_query / terminate_session need a separate read-write source whose account may KILL (CONNECTION ADMIN on MySQL 8, or the sessions' own user).",
  ].join('\n');
}

export async function mysqlSecurityReport(
  driver: MysqlDriver,
  isSensitive: (column: SensitiveColumn) => boolean,
  database: string | undefined,
): Promise<SecurityReport> {
  const { variant } = await driver.server();
  const sensitive = sensitiveColumns(await columnInventory(driver, database), isSensitive);
  const accounts = await driver.catalog<Account>(accountsSql(variant)).catch(() => null);
  const findings: SecurityFinding[] = accounts
    ? accountFindings(accounts)
    : [
        {
          id: 'accounts_not_checked',
          severity: 'info',
          message: 'accounts and their privileges could not be checked: the login may not read mysql.user',
          evidence: {},
          fix: 'Run check_security once through an admin source, or review SELECT user, host FROM mysql.user by hand.',
        },
      ];
  findings.push(
    ...(await publicGrantFindings(driver).catch(() => [])),
    ...(await sslFindings(driver)),
    ...noRlsFinding(sensitive),
  );
  return { findings, sensitive_columns: sensitive, readonly_login_ddl: readonlyLoginDdl(database, variant) };
}
