/** What the PostgreSQL login can do beyond reading: role attributes, dangerous built-in roles, write grants. */
import type { Posture, PostureFinding } from '../../contract/engine.js';
import type { PgDriver } from './driver.js';

const USER_TABLES = `c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;

const POSTURE_SQL = `
  SELECT current_user AS login, r.rolsuper AS superuser, r.rolbypassrls AS bypassrls, r.rolcreaterole AS createrole,
    r.rolcreatedb AS createdb, r.rolreplication AS replication,
    pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') AS read_files,
    pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') AS write_files,
    pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS run_programs,
    pg_has_role(current_user, 'pg_signal_backend', 'MEMBER') AS signal_backends,
    (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_TABLES}
      AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'))) AS writable_tables,
    (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_TABLES} AND pg_has_role(c.relowner, 'USAGE')) AS owned_tables
  FROM pg_roles r WHERE r.rolname = current_user`;

interface Row {
  login: string;
  superuser: boolean;
  bypassrls: boolean;
  createrole: boolean;
  createdb: boolean;
  replication: boolean;
  read_files: boolean;
  write_files: boolean;
  run_programs: boolean;
  signal_backends: boolean;
  writable_tables: number;
  owned_tables: number;
}

const FIX = 'Connect dba-mcp with a least-privilege login (see the README: "A least-privilege login for dba-mcp").';

function findings(r: Row): PostureFinding[] {
  const out: PostureFinding[] = [];
  const add = (when: boolean, id: string, severity: PostureFinding['severity'], message: string) =>
    when && out.push({ id, severity, message, fix: FIX });
  add(
    r.superuser,
    'superuser',
    'critical',
    `${r.login} is a superuser: it can read and write server files, run programs and bypass every permission`,
  );
  add(
    !r.superuser && r.run_programs,
    'execute_server_program',
    'critical',
    `${r.login} is in pg_execute_server_program: COPY ... PROGRAM runs shell commands`,
  );
  add(
    !r.superuser && r.write_files,
    'write_server_files',
    'critical',
    `${r.login} is in pg_write_server_files: it can write files on the database server`,
  );
  add(
    !r.superuser && r.read_files,
    'read_server_files',
    'critical',
    `${r.login} is in pg_read_server_files: it can read any file the server can`,
  );
  add(
    !r.superuser && r.signal_backends,
    'signal_backend',
    'warning',
    `${r.login} is in pg_signal_backend: it can cancel or terminate other sessions`,
  );
  add(r.replication, 'replication', 'warning', `${r.login} has REPLICATION: it can create slots that pin WAL`);
  add(r.createrole, 'createrole', 'warning', `${r.login} has CREATEROLE`);
  add(r.createdb, 'createdb', 'warning', `${r.login} has CREATEDB`);
  add(r.bypassrls, 'bypassrls', 'warning', `${r.login} has BYPASSRLS: row-level security does not limit what it reads`);
  add(
    !r.superuser && r.owned_tables > 0,
    'owns_tables',
    'warning',
    `${r.login} owns ${r.owned_tables} tables: it can alter or drop them`,
  );
  add(
    !r.superuser && r.writable_tables > 0,
    'can_write',
    'warning',
    `${r.login} may INSERT, UPDATE, DELETE or TRUNCATE ${r.writable_tables} tables`,
  );
  return out;
}

export async function pgPosture(driver: PgDriver): Promise<Posture> {
  const [row] = await driver.catalog<Row>(POSTURE_SQL);
  if (!row)
    return {
      login: 'unknown',
      findings: [
        { id: 'unknown_role', severity: 'critical', message: 'the login role was not found in pg_roles', fix: FIX },
      ],
    };
  return { login: row.login, findings: findings(row) };
}
