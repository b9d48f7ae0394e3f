/**
 * PostgreSQL security posture: superusers, dangerous role attributes and memberships, PUBLIC
 * grants, row-level security on tables with sensitive columns, logins without passwords and trust
 * authentication, SSL, and the DDL of a least-privilege read-only login for dba-mcp.
 */
import type { SecurityFinding, SecurityReport, SensitiveColumn } from '../../contract/health.js';
import { sensitiveColumns, tablesWithSensitive } from '../../kit/health/sensitive.js';
import type { PgDriver } from '../core/driver.js';

const USER_NS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** A probe that needs more rights than the login has answers null (the report says it could not look). */
async function maybe<T>(probe: () => Promise<T>): Promise<T | null> {
  try {
    return await probe();
  } catch {
    return null;
  }
}

async function roleFindings(driver: PgDriver): Promise<SecurityFinding[]> {
  const roles = await driver.catalog<{
    role: string;
    superuser: boolean;
    login: boolean;
    createrole: boolean;
    createdb: boolean;
    replication: boolean;
    bypassrls: boolean;
    bootstrap: boolean;
    member_of: string[];
  }>(`
    SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolcanlogin AS login, r.rolcreaterole AS createrole, r.rolcreatedb AS createdb,
      r.rolreplication AS replication, r.rolbypassrls AS bypassrls, r.oid = 10 AS bootstrap,
      ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid
            AND g.rolname IN ('pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files', 'pg_signal_backend', 'pg_write_all_data') ORDER BY 1) AS member_of
    FROM pg_roles r WHERE r.rolname NOT LIKE 'pg\\_%' ORDER BY r.rolname`);
  const out: SecurityFinding[] = [];
  const supers = roles.filter((r) => r.superuser && r.login);
  if (supers.length) {
    out.push({
      id: 'superuser_logins',
      severity: supers.some((s) => !s.bootstrap) ? 'critical' : 'warning',
      message: `${supers.length} login role(s) with SUPERUSER: ${supers.map((s) => s.role + (s.bootstrap ? ' (bootstrap)' : '')).join(', ')}; a superuser can read any file, run programs and bypass every permission`,
      evidence: { roles: supers.map((s) => s.role) },
      fix: `Use superuser only for administration, never for applications: ${
        supers
          .filter((s) => !s.bootstrap)
          .map((s) => `ALTER ROLE ${ident(s.role)} NOSUPERUSER;`)
          .join(' ') || 'keep the bootstrap role for maintenance, with a password and no remote trust login.'
      }`,
    });
  }
  const risky = roles.filter(
    (r) => !r.superuser && (r.createrole || r.bypassrls || r.replication || r.member_of.length > 0),
  );
  if (risky.length) {
    out.push({
      id: 'dangerous_privileges',
      severity: risky.some((r) => r.member_of.some((m) => m !== 'pg_signal_backend')) ? 'critical' : 'warning',
      message: `${risky.length} role(s) with powers beyond their data: ${risky.map((r) => `${r.role} (${[r.createrole && 'CREATEROLE', r.bypassrls && 'BYPASSRLS', r.replication && 'REPLICATION', ...r.member_of].filter(Boolean).join(', ')})`).join('; ')}`,
      evidence: {
        roles: risky.map((r) => ({
          role: r.role,
          login: r.login,
          createrole: r.createrole,
          bypassrls: r.bypassrls,
          replication: r.replication,
          member_of: r.member_of,
        })),
      },
      fix: 'Revoke what a role does not need: ALTER ROLE x NOCREATEROLE NOBYPASSRLS NOREPLICATION; REVOKE pg_execute_server_program / pg_read_server_files / pg_write_server_files FROM x.',
    });
  }
  return out;
}

async function publicGrantFindings(driver: PgDriver): Promise<SecurityFinding[]> {
  const [schemas, tables, definers] = await Promise.all([
    driver.catalog<{ schema: string }>(
      `SELECT n.nspname AS schema FROM pg_namespace n, aclexplode(n.nspacl) a WHERE a.grantee = 0 AND a.privilege_type = 'CREATE' AND ${USER_NS}`,
    ),
    driver.catalog<{ table: string; privileges: string[] }>(`
      SELECT n.nspname || '.' || c.relname AS table, array_agg(DISTINCT a.privilege_type ORDER BY a.privilege_type) AS privileges
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
      WHERE a.grantee = 0 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_NS} GROUP BY 1 ORDER BY 1 LIMIT 100`),
    driver
      .catalog<{ fn: string; search_path_set: boolean }>(
        `
      SELECT p.oid::regprocedure::text AS fn, coalesce(array_to_string(p.proconfig, ',') LIKE '%search_path=%', false) AS search_path_set
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE p.prosecdef AND ${USER_NS} AND has_function_privilege('public', p.oid, 'EXECUTE') ORDER BY 1 LIMIT 100`,
      )
      .catch(() => []),
  ]);
  const out: SecurityFinding[] = [];
  if (schemas.length)
    out.push({
      id: 'public_create_on_schema',
      severity: 'warning',
      message: `PUBLIC (every role) may create objects in schema(s) ${schemas.map((s) => s.schema).join(', ')}: any login can plant a function or table that shadows another by search_path`,
      evidence: { schemas: schemas.map((s) => s.schema) },
      fix: schemas.map((s) => `REVOKE CREATE ON SCHEMA ${ident(s.schema)} FROM PUBLIC;`).join(' '),
    });
  const writable = tables.filter((t) => t.privileges.some((p) => p !== 'SELECT'));
  if (tables.length)
    out.push({
      id: 'public_table_grants',
      severity: writable.length ? 'critical' : 'warning',
      message: `${tables.length} relation(s) granted to PUBLIC (every role, present and future): ${tables
        .slice(0, 10)
        .map((t) => `${t.table} (${t.privileges.join(', ')})`)
        .join(', ')}${tables.length > 10 ? ', ...' : ''}`,
      evidence: { relations: tables },
      fix: 'Grant to named roles instead: REVOKE ALL ON <table> FROM PUBLIC; GRANT SELECT ON <table> TO app_reader;',
    });
  const unsafe = definers.filter((d) => !d.search_path_set);
  if (unsafe.length)
    out.push({
      id: 'security_definer_search_path',
      severity: 'warning',
      message: `${unsafe.length} SECURITY DEFINER function(s) executable by PUBLIC without a fixed search_path (a caller can hijack what they call): ${unsafe
        .slice(0, 10)
        .map((d) => d.fn)
        .join(', ')}`,
      evidence: { functions: unsafe.map((d) => d.fn) },
      fix: 'ALTER FUNCTION f(...) SET search_path = pg_catalog, pg_temp; and REVOKE EXECUTE ON FUNCTION f(...) FROM PUBLIC where it is not for everyone.',
    });
  return out;
}

async function authFindings(driver: PgDriver): Promise<SecurityFinding[]> {
  const out: SecurityFinding[] = [];
  const noPassword = await maybe(() =>
    driver.catalog<{ role: string }>(
      `SELECT rolname AS role FROM pg_authid WHERE rolcanlogin AND rolpassword IS NULL ORDER BY 1`,
    ),
  );
  const trust = await maybe(() =>
    driver.catalog<{ line: number; type: string; database: string[]; user_name: string[]; address: string | null }>(
      `SELECT line_number AS line, type, database, user_name, address FROM pg_hba_file_rules WHERE auth_method = 'trust' ORDER BY line_number`,
    ),
  );
  const [settings] = await driver.catalog<{
    ssl: string;
    password_encryption: string;
    connection_ssl: boolean | null;
  }>(`
    SELECT current_setting('ssl') AS ssl, current_setting('password_encryption') AS password_encryption, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS connection_ssl`);
  if (noPassword === null || trust === null) {
    out.push({
      id: 'authentication_not_checked',
      severity: 'info',
      message:
        'logins without passwords and trust rules in pg_hba.conf could not be checked: reading pg_authid and pg_hba_file_rules needs a superuser',
      evidence: {},
      fix: 'Run check_security once through a superuser source, or review pg_hba.conf by hand.',
    });
  }
  if (noPassword?.length)
    out.push({
      id: 'logins_without_password',
      severity: trust?.length ? 'critical' : 'warning',
      message: `${noPassword.length} login role(s) with no password: ${noPassword.map((r) => r.role).join(', ')} (they log in only through trust, peer or certificate rules)`,
      evidence: { roles: noPassword.map((r) => r.role) },
      fix: "Set a password (ALTER ROLE x PASSWORD '...') or make sure pg_hba.conf allows them only by peer or certificate.",
    });
  if (trust?.length) {
    const remote = trust.filter((t) => t.type !== 'local');
    out.push({
      id: 'trust_authentication',
      severity: remote.length ? 'critical' : 'warning',
      message: `pg_hba.conf lets ${trust.length} rule(s) in without any password (trust)${remote.length ? `, ${remote.length} of them over TCP (${remote.map((r) => r.address ?? 'all').join(', ')})` : ''}`,
      evidence: { rules: trust },
      fix: 'Replace trust by scram-sha-256 (or peer for local socket logins) in pg_hba.conf, then SELECT pg_reload_conf().',
    });
  }
  if (settings?.ssl !== 'on')
    out.push({
      id: 'ssl_off',
      severity: 'warning',
      message: 'the server does not offer SSL (ssl = off): passwords and data cross the network in clear text',
      evidence: { ssl: settings?.ssl ?? null, this_connection_ssl: settings?.connection_ssl ?? null },
      fix: 'Configure ssl_cert_file / ssl_key_file, set ssl = on, and use hostssl lines in pg_hba.conf; clients connect with sslmode=verify-full.',
    });
  if (settings?.password_encryption === 'md5')
    out.push({
      id: 'md5_passwords',
      severity: 'warning',
      message: 'password_encryption is md5 (weak, replayable hashes)',
      evidence: { password_encryption: 'md5' },
      fix: "SET password_encryption = 'scram-sha-256' and reset each password.",
    });
  return out;
}

async function rlsFindings(driver: PgDriver, sensitive: readonly SensitiveColumn[]): Promise<SecurityFinding[]> {
  const byTable = tablesWithSensitive(sensitive);
  if (byTable.size === 0) return [];
  const rows = await driver.catalog<{ table: string; rls: boolean }>(
    `
    SELECT n.nspname || '.' || c.relname AS table, c.relrowsecurity AS rls FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND (n.nspname || '.' || c.relname) = ANY($1::text[])`,
    [[...byTable.keys()]],
  );
  const off = rows.filter((r) => !r.rls);
  if (off.length === 0) return [];
  return [
    {
      id: 'rls_off_sensitive_tables',
      severity: 'info',
      message: `row-level security is off on ${off.length} table(s) holding sensitive columns: ${off
        .slice(0, 10)
        .map((r) => `${r.table} (${byTable.get(r.table)!.join(', ')})`)
        .join(', ')}${off.length > 10 ? ', ...' : ''}`,
      evidence: { tables: off.map((r) => ({ table: r.table, sensitive_columns: byTable.get(r.table) })) },
      fix: 'Where different users may see different rows, ALTER TABLE t ENABLE ROW LEVEL SECURITY and add policies; otherwise restrict column access (GRANT SELECT (col, ...)) or a view without the sensitive columns.',
    },
  ];
}

async function columnInventory(driver: PgDriver): Promise<SensitiveColumn[]> {
  return driver.catalog<SensitiveColumn>(`
    SELECT n.nspname AS schema, c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_NS}
    ORDER BY 1, 2, a.attnum`);
}

async function readonlyLoginDdl(driver: PgDriver, version: number): Promise<string> {
  const [{ database }] = (await driver.catalog<{ database: string }>('SELECT current_database() AS database')) as [
    { database: string },
  ];
  const schemas = await driver.catalog<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_namespace n WHERE ${USER_NS} ORDER BY 1`,
  );
  const reads =
    version >= 140000
      ? ['GRANT pg_read_all_data TO dba_mcp;          -- every table and view, read only']
      : schemas.flatMap(({ schema }) => [
          `GRANT USAGE ON SCHEMA ${ident(schema)} TO dba_mcp;`,
          `GRANT SELECT ON ALL TABLES IN SCHEMA ${ident(schema)} TO dba_mcp;`,
          `ALTER DEFAULT PRIVILEGES IN SCHEMA ${ident(schema)} GRANT SELECT ON TABLES TO dba_mcp;`,
        ]);
  return [
    "CREATE ROLE dba_mcp LOGIN PASSWORD '<choose one>' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;",
    `GRANT CONNECT ON DATABASE ${ident(database)} TO dba_mcp;`,
    ...reads,
    'GRANT pg_monitor TO dba_mcp;                  -- pg_stat_activity, pg_stat_statements, locks and sizes for check_health / top_queries',
    'ALTER ROLE dba_mcp SET default_transaction_read_only = on;',
    '-- cancel_query / terminate_session need a separate read-write source whose login is a member of pg_signal_backend.',
  ].join('\n');
}

export async function pgSecurityReport(
  driver: PgDriver,
  isSensitive: (column: SensitiveColumn) => boolean,
  version: number,
): Promise<SecurityReport> {
  const sensitive = sensitiveColumns(await columnInventory(driver), isSensitive);
  const groups = await Promise.all([
    roleFindings(driver),
    publicGrantFindings(driver),
    authFindings(driver),
    rlsFindings(driver, sensitive),
  ]);
  return {
    findings: groups.flat(),
    sensitive_columns: sensitive,
    readonly_login_ddl: await readonlyLoginDdl(driver, version),
  };
}
