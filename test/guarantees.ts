/**
 * What the guards and the audit log promise, each with the test that proves it (file and the
 * test's title). test/unit/guarantees.test.ts fails when a promise has no such test.
 */
export interface Guarantee {
  id: string;
  promise: string;
  file: string;
  test: string;
}

export const GUARANTEES: readonly Guarantee[] = [
  {
    id: 'read-only:classifier-pg',
    promise: 'On PostgreSQL the classifier alone refuses every known attack',
    file: 'test/integration/guards/postgres-guards.test.ts',
    test: 'layer 1 alone: the classifier refuses every attack before any engine sees it',
  },
  {
    id: 'read-only:attacks-pg',
    promise: 'Every PostgreSQL attack is refused as a superuser, database and files unchanged',
    file: 'test/integration/guards/postgres-guards.test.ts',
    test: 'leaves the database and the file system as they were',
  },
  {
    id: 'read-only:attacks-mysql',
    promise: 'Every MariaDB attack is refused as root, database and files unchanged',
    file: 'test/integration/guards/mysql-guards.test.ts',
    test: 'leaves the database and the file system unchanged',
  },
  {
    id: 'read-only:corpus-mysql',
    promise: 'No attack in the MySQL/MariaDB corpus is classified as a read',
    file: 'test/unit/sql-mysql-corpus.test.ts',
    test: 'lets no attack through as a read',
  },
  {
    id: 'read-only:show-words-mysql',
    promise:
      'A MySQL SHOW the parser reads as a bare word list cannot hide a function call or a subquery from the guards',
    file: 'test/unit/sql-mysql-show.test.ts',
    test: 'judges the functions of a WHERE the parser dropped',
  },
  {
    id: 'policy:deny-tables-show-mysql',
    promise: 'SHOW INDEX / COLUMNS / CREATE TABLE of a denied table is refused on MySQL/MariaDB',
    file: 'test/integration/guards/deny-tables.test.ts',
    test: 'refuses SHOW forms that describe the table (MySQL/MariaDB)',
  },
  {
    id: 'read-only:legit-reads-pg',
    promise: 'Hard legitimate reads run on PostgreSQL',
    file: 'test/integration/guards/postgres-guards.test.ts',
    test: 'runs every hard legitimate read',
  },
  {
    id: 'read-only:legit-reads-mysql',
    promise: 'Hard legitimate reads run on MariaDB',
    file: 'test/integration/guards/mysql-guards.test.ts',
    test: 'runs the hard legitimate reads',
  },
  {
    id: 'read-only:engine-pg',
    promise: 'PostgreSQL alone (no classifier) undoes session changes before a connection is reused',
    file: 'test/integration/postgres-read-path.test.ts',
    test: 'undoes a session setting a statement changed, on every pooled connection',
  },
  {
    id: 'read-only:engine-mysql',
    promise: 'MariaDB alone (no classifier) refuses writes and DDL',
    file: 'test/integration/mysql-engine.test.ts',
    test: 'refuses INSERT, CREATE TABLE and DROP TABLE and leaves the data alone',
  },
  {
    id: 'read-only:engine-mysql-session',
    promise: 'MariaDB keeps refusing DDL after a statement flipped the session to read-write',
    file: 'test/integration/mysql-engine.test.ts',
    test: 'keeps refusing DDL after a statement tried to make the session read-write',
  },
  {
    id: 'read-only:engine-sqlite',
    promise: 'SQLite alone (no classifier) refuses what SQLite says is not a read',
    file: 'test/integration/sqlite-read-path.test.ts',
    test: 'refuses what SQLite itself says is not a read, and the file is unchanged',
  },
  {
    id: 'read-only:writes-every-engine',
    promise: 'Every engine refuses writes through runRead and leaves the data as it was',
    file: 'test/integration/engine-contract.test.ts',
    test: 'refuses writes and leaves the data as it was',
  },
  {
    id: 'read-only:single-statement',
    promise: 'More than one statement is refused on every engine',
    file: 'test/integration/engine-contract.test.ts',
    test: 'refuses more than one statement',
  },
  {
    id: 'login:posture',
    promise: 'privilege_check: enforce refuses an over-privileged login before any SQL runs',
    file: 'test/integration/posture.test.ts',
    test: 'enforce refuses a read-only source behind an over-privileged login, before any SQL runs',
  },
  {
    id: 'limits:timeout-sqlite',
    promise: 'A runaway SQLite statement is stopped at the timeout without blocking the server',
    file: 'test/integration/sqlite-read-path.test.ts',
    test: 'stops a runaway statement at the timeout, and the event loop stays free meanwhile',
  },
  {
    id: 'limits:cancel-pg',
    promise: 'Cancelling a call cancels the statement on PostgreSQL',
    file: 'test/integration/postgres-read-path.test.ts',
    test: 'cancels the statement on the server when the caller aborts',
  },
  {
    id: 'limits:cap',
    promise: 'The server stops at max rows + 1: huge results are never fetched',
    file: 'test/integration/postgres-read-path.test.ts',
    test: 'does not fetch past the cap: the server stops at max rows + 1',
  },
  {
    id: 'limits:bytes',
    promise: 'Results are capped in bytes for the context and say so',
    file: 'test/unit/output-limits.test.ts',
    test: 'stops before the rows pass max_result_bytes and says so',
  },
  {
    id: 'policy:deny-tables',
    promise: 'A denied table cannot be read directly or through views',
    file: 'test/integration/guards/deny-tables.test.ts',
    test: 'refuses the table itself, a view of it, and a view of that view',
  },
  {
    id: 'policy:masking',
    promise: 'Sensitive columns are masked however they are selected',
    file: 'test/integration/guards/masking.test.ts',
    test: 'masks sensitive columns however they are selected, and keeps NULL as NULL',
  },
  {
    id: 'policy:deny-tables-changes',
    promise: 'A change to a denied table (directly or through an updatable view) is refused before it is stored',
    file: 'test/integration/guards/deny-tables.test.ts',
    test: 'refuses a change to a denied table and lets a change to another table through to approval',
  },
  {
    id: 'approval:migration-exact',
    promise:
      'An approved migration runs only if its stored steps are byte for byte what was approved; it stops at the first failing step and says what was applied',
    file: 'test/integration/migration-apply.test.ts',
    test: 'applies what it can, stops at the failing step, and the history row says so',
  },
  {
    id: 'approval:migration-read-only',
    promise: 'A read-only source refuses apply_migration',
    file: 'test/integration/migration-elicitation.test.ts',
    test: 'a read-only source refuses apply_migration',
  },
  {
    id: 'approval:session-action',
    promise: 'cancel_query / terminate_session wait for a person, then run once',
    file: 'test/integration/health-session-actions.test.ts',
    test: 'without elicitation it stays pending until a person approves; then it runs once',
  },
  {
    id: 'backups:source-unchanged',
    promise:
      'create_backup and verify_backup leave the source unchanged; a truncated backup fails verification with the reason',
    file: 'test/e2e/backups.test.ts',
    test: 'a truncated backup fails verification with the reason; the source is unchanged',
  },
  {
    id: 'index:whatif-no-write',
    promise: 'propose_index on SQLite never writes the source file',
    file: 'test/integration/propose-index-sqlite.test.ts',
    test: 'verifies on an in-memory copy and never touches the source file',
  },
  {
    id: 'audit:tamper',
    promise: 'audit verify names the first edited record',
    file: 'test/e2e/audit.test.ts',
    test: 'edited byte',
  },
  {
    id: 'audit:kill-9',
    promise: 'After kill -9 every answered call is in the log and verify passes',
    file: 'test/e2e/audit.test.ts',
    test: 'kill -9',
  },
  {
    id: 'audit:fail-closed',
    promise: 'A call whose record cannot be written is refused',
    file: 'test/e2e/audit.test.ts',
    test: 'AUDIT_UNAVAILABLE',
  },
  {
    id: 'audit:health',
    promise: '/healthz answers 503 while the audit log cannot be written',
    file: 'test/e2e/health.test.ts',
    test: 'answers 503 while the audit log cannot be written',
  },
  {
    id: 'http:dns-rebinding',
    promise: 'A request with a foreign Host header is refused',
    file: 'test/e2e/http.test.ts',
    test: 'evil.example',
  },
];
