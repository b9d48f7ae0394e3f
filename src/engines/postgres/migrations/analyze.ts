/**
 * A PostgreSQL migration, statement by statement, in order: transaction blocks and SET
 * lock_timeout are tracked (they are not steps: the plan adds its own), every other statement is
 * analysed by migration-alter.ts or migration-statements.ts, then rules over the whole migration.
 */
import type { Hazard, MigrationAnalysis, StatementAnalysis } from '../../contract/migrations.js';
import type { PgDriver } from '../core/driver.js';
import { analyzeAlterTable } from './alter.js';
import { PgMigrationCatalog } from './catalog.js';
import type { PgRules } from './context.js';
import { analyzeOther } from './statements.js';
import { splitStatements, type PgStatement } from './text.js';
import { classifyPostgres } from '../core/sql/classify.js';

const STRONG = new Set(['ACCESS EXCLUSIVE', 'EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'SHARE']);

async function newRules(driver: PgDriver): Promise<PgRules> {
  const catalog = new PgMigrationCatalog(driver);
  const [row] = await driver.catalog<{ v: number; schema: string | null; tz: string }>(
    `SELECT current_setting('server_version_num')::int AS v, current_schema() AS schema, current_setting('TimeZone') AS tz`,
  );
  return {
    version: row?.v ?? 0,
    catalog,
    defaultSchema: row?.schema ?? 'public',
    timeZone: row?.tz ?? 'UTC',
    created: new Set(),
    inTransaction: false,
    notValidInTransaction: new Set(),
    notNullChecks: new Map(),
    enumValuesInTransaction: new Set(),
    lockedInTransaction: new Set(),
    sawLockTimeout: false,
  };
}

function transaction(stmt: PgStatement, rules: PgRules): void {
  const kind = String(stmt.node.kind);
  if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') {
    rules.inTransaction = true;
    rules.notValidInTransaction.clear();
    rules.enumValuesInTransaction.clear();
    rules.lockedInTransaction.clear();
  } else if (
    ['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE', 'TRANS_STMT_COMMIT_PREPARED'].includes(kind)
  ) {
    rules.inTransaction = false;
  }
}

/** A new enum value used later in the transaction that added it: "unsafe use of new value". */
function enumUse(stmt: PgStatement, rules: PgRules): Hazard | undefined {
  if (!rules.inTransaction || rules.enumValuesInTransaction.size === 0 || stmt.type === 'AlterEnumStmt')
    return undefined;
  const used = stmt.lexed.tokens.find(
    (t) => t.text.startsWith("'") && rules.enumValuesInTransaction.has(t.text.slice(1, -1).replace(/''/g, "'")),
  );
  if (!used) return undefined;
  return {
    code: 'enum-value-used-in-same-transaction',
    severity: 'error',
    message: `${used.text} is an enum value added in this same transaction: PostgreSQL refuses to use it before COMMIT ("unsafe use of new value").`,
    safer: 'COMMIT after ALTER TYPE ... ADD VALUE, then use the value in a later transaction.',
  };
}

/** A table renamed and a view created under its old name (Atlas BC101's exception) is a compatible rename. */
function renameWithView(statements: StatementAnalysis[], rules: PgRules): void {
  for (const s of statements) {
    const h = s.hazards.find((x) => x.code === 'renaming-table');
    if (!h) continue;
    const old = /^RENAME TABLE (\S+) TO/.exec(h.message)?.[1];
    if (old && rules.created.has(`${rules.defaultSchema}.${old}`)) s.hazards = s.hazards.filter((x) => x !== h);
  }
}

export async function analyzePostgres(driver: PgDriver, sql: string): Promise<MigrationAnalysis> {
  const statements = await splitStatements(sql);
  const rules = await newRules(driver);
  const out: StatementAnalysis[] = [];
  const hazards: Hazard[] = [];
  let openedAt = -1;
  let blocks = 0;
  for (const stmt of statements) {
    if (stmt.type === 'TransactionStmt') {
      const was = rules.inTransaction;
      transaction(stmt, rules);
      if (rules.inTransaction && !was) blocks++;
      openedAt = rules.inTransaction ? out.length : -1;
      continue;
    }
    if (stmt.type === 'VariableSetStmt' && /^(lock_timeout|statement_timeout)$/.test(String(stmt.node.name))) {
      if (stmt.node.name === 'lock_timeout') rules.sawLockTimeout = true;
      continue;
    }
    const a =
      stmt.type === 'AlterTableStmt' && stmt.node.objtype === 'OBJECT_TABLE'
        ? await analyzeAlterTable(stmt, out.length, rules)
        : await analyzeOther(stmt, out.length, rules);
    const enumHazard = enumUse(stmt, rules);
    if (enumHazard) a.hazards.push(enumHazard);
    if (stmt.type === 'VariableSetStmt') a.original.transactional = a.transactional = false;
    a.classification = await classifyPostgres(stmt.text);
    if (rules.inTransaction) a.block = blocks;
    out.push(a);
  }
  renameWithView(out, rules);
  if (rules.inTransaction && openedAt >= 0)
    hazards.push({
      code: 'ban-uncommitted-transaction',
      severity: 'warning',
      message: 'BEGIN without COMMIT: the migration leaves its transaction open.',
      safer: 'End the migration with COMMIT.',
    });
  const strong = out.some((s) => s.locks.some((l) => STRONG.has(l.level)) && s.touches.some((t) => !t.created_here));
  if (strong && !rules.sawLockTimeout) {
    hazards.push({
      code: 'require-lock-timeout',
      severity: 'warning',
      message:
        'No SET lock_timeout: a DDL statement that waits for a busy table makes every later query on it queue behind it.',
      safer:
        "SET lock_timeout = '5s' before the DDL (each step of the plan sets lock_timeout and statement_timeout); retry on timeout.",
    });
  }
  const [v] = await driver.catalog<{ v: string }>(`SELECT current_setting('server_version') AS v`);
  return {
    server: { variant: 'postgresql', version: (v?.v ?? '').replace(/\s.*$/, '') },
    statements: out,
    hazards,
    default_schema: rules.defaultSchema,
  };
}
