/**
 * A MySQL/MariaDB migration, statement by statement, read with sqlparser-rs's MySQL dialect:
 * ALTER TABLE goes to migration-alter.ts; indexes, drops, renames, data changes here. A statement
 * the parser cannot read is kept, with a hazard saying it was not inspected.
 */
import { ToolError } from '../../../core/errors.js';
import { parseSqlparser } from '../../kit/sqlparser/parser.js';
import { splitStatements } from '../../kit/migrations/split-statements.js';
import type { Hazard, MigrationAnalysis, StatementAnalysis } from '../../contract/migrations.js';
import { blankAnalysis } from '../../contract/migrations.js';
import type { MysqlDriver } from '../core/driver.js';
import { analyzeMysqlAlter } from './alter.js';
import { identValue, keyOf, qualified, quote, refOf, tableLoader, type MyRules, type Node } from './context.js';
import type { ServerFacts } from './online.js';
import { classifyMysql } from '../core/sql/classify.js';

const hazard = (
  code: string,
  severity: Hazard['severity'],
  message: string,
  safer: string | null,
  sized?: Hazard['sized'],
): Hazard => ({ code, severity, message, safer, ...(sized ? { sized } : {}) });
const SESSION_TIMEOUTS = /^(lock_wait_timeout|innodb_lock_wait_timeout|max_statement_time|max_execution_time)$/i;

function createIndex(n: Node, text: string, index: number, rules: MyRules): StatementAnalysis {
  const ref = refOf(n.table_name, rules);
  const createdHere = rules.created.has(keyOf(ref));
  const a = blankAnalysis(index, text, n.unique ? 'CREATE UNIQUE INDEX' : 'CREATE INDEX');
  const name = ((n.name as Node[] | undefined) ?? []).map((p) => identValue(p.Identifier ?? p)).at(-1) ?? '';
  const fulltext = /\b(fulltext|spatial)\b/i.test(text.slice(0, text.toLowerCase().indexOf('index')));
  a.transactional = false;
  a.online = {
    algorithm: 'INPLACE',
    lock: fulltext ? 'SHARED' : 'NONE',
    rebuilds_table: fulltext,
    explicit: ((n.alter_options as unknown[] | undefined) ?? []).length > 0,
  };
  a.locks.push({
    level: `metadata lock (brief); ALGORITHM=INPLACE, LOCK=${a.online.lock}`,
    table: keyOf(ref),
    blocks: fulltext ? 'writes' : 'nothing',
  });
  a.touches.push({ table: ref, work: 'index-build', created_here: createdHere });
  a.scan = a.index_rebuild = true;
  a.original = {
    body: [text],
    transactional: false,
    rollback: `DROP INDEX ${quote(name)} ON ${qualified(ref)}`,
    purpose: 'as written',
    long_running: !createdHere,
  };
  if (createdHere) return a;
  if (fulltext)
    a.hazards.push(
      hazard(
        'add-fulltext-index',
        'error',
        'CREATE FULLTEXT/SPATIAL INDEX runs with LOCK=SHARED: writes wait for the build.',
        'gh-ost / pt-online-schema-change, or a maintenance window.',
        ref,
      ),
    );
  if (n.unique) {
    const cols = ((n.columns as Node[] | undefined) ?? []).map((c) =>
      identValue(((c.column as Node).expr as Node).Identifier),
    );
    const list = cols.map(quote).join(', ');
    const groups = `SELECT ${list}, count(*) AS copies FROM ${qualified(ref)} WHERE ${cols.map((c) => `${quote(c)} IS NOT NULL`).join(' AND ')} GROUP BY ${list} HAVING count(*) > 1`;
    a.checks.push({
      code: 'unique-index-duplicates',
      table: ref,
      description: `rows sharing a value of (${cols.join(', ')})`,
      count_sql: `SELECT count(*) AS violations FROM (${groups}) d`,
      sample_sql: `${groups} LIMIT 5`,
    });
  }
  if (!a.online.explicit && !fulltext)
    a.safer = [
      {
        ...a.original,
        body: [`${text.replace(/;\s*$/, '')} ALGORITHM=INPLACE LOCK=NONE`],
        purpose: 'as written, with ALGORITHM=INPLACE LOCK=NONE: the server refuses rather than blocking writes',
      },
    ];
  return a;
}

function drop(n: Node, text: string, index: number, rules: MyRules): StatementAnalysis {
  const type = String(n.object_type);
  const a = blankAnalysis(index, text, `DROP ${type.toUpperCase()}`);
  a.transactional = false;
  a.original.transactional = false;
  const refs = ((n.names as Node[][] | undefined) ?? []).map((name) => refOf(name, rules));
  if (type === 'Table') {
    const existing = refs.filter((r) => !rules.created.has(keyOf(r)));
    a.locks.push(
      ...refs.map((r) => ({
        level: 'metadata lock (exclusive)',
        table: keyOf(r),
        blocks: 'reads and writes' as const,
      })),
    );
    if (existing.length) {
      a.hazards.push(
        hazard(
          'ban-drop-table',
          'error',
          `DROP TABLE ${existing.map(keyOf).join(', ')} deletes the table and its data; running code that uses it fails.`,
          'Stop using it, back it up (mysqldump), rename it aside for a while, then drop it.',
        ),
      );
      a.original.irreversible = {
        reason: 'the table and its rows are gone once committed',
        backup: `mysqldump ${existing[0]!.schema} ${existing.map((r) => r.name).join(' ')}`,
      };
    }
  } else if (type === 'Index') {
    a.online = { algorithm: 'INPLACE', lock: 'NONE', rebuilds_table: false, explicit: false };
    a.original.irreversible = {
      reason: 'the index definition is dropped; re-create it from SHOW CREATE TABLE',
      backup: 'SHOW CREATE TABLE of the table',
    };
  } else if (type === 'Schema' || type === 'Database') {
    a.hazards.push(
      hazard('ban-drop-schema', 'error', 'DROP DATABASE deletes every table in it.', 'Never in a migration.'),
    );
    a.original.irreversible = { reason: 'the database is gone once committed', backup: 'mysqldump --databases' };
  }
  return a;
}

function dataChange(
  n: Node,
  text: string,
  index: number,
  rules: MyRules,
  verb: 'UPDATE' | 'DELETE',
): StatementAnalysis {
  const a = blankAnalysis(index, text, verb);
  const rel =
    verb === 'UPDATE'
      ? ((n.table as Node).relation as Node)
      : ((((n.from as Node).WithFromKeyword ?? (n.from as Node).WithoutKeyword) as Node[])[0]!.relation as Node);
  const ref = refOf((rel.Table as Node).name, rules);
  const createdHere = rules.created.has(keyOf(ref));
  a.locks.push({ level: 'row locks (InnoDB)', table: keyOf(ref), blocks: 'writes' });
  a.touches.push({ table: ref, work: 'scan', created_here: createdHere });
  a.scan = true;
  a.original.long_running = !createdHere;
  if (createdHere) return a;
  a.original.irreversible = {
    reason: `the old values are overwritten (${verb})`,
    backup: `mysqldump ${ref.schema} ${ref.name}`,
  };
  if (verb === 'DELETE' && !n.selection)
    a.hazards.push(
      hazard(
        'delete-all-rows',
        'error',
        `DELETE without WHERE removes every row of ${keyOf(ref)}.`,
        'Add the WHERE you mean, back up first, delete in batches.',
      ),
    );
  // A DELETE with a WHERE is the same hazard as a backfill: one transaction over every row it matches.
  if (verb === 'UPDATE' || n.selection)
    a.hazards.push({
      ...hazard(
        'backfill-in-one-statement',
        'warning',
        `${verb} ${keyOf(ref)} in one statement: one long transaction holding row locks on every row it touches, a long undo log, and replica lag.`,
        `${verb === 'UPDATE' ? 'Backfill' : 'Delete'} in batches by primary key range (e.g. 10,000 rows per transaction).`,
        ref,
      ),
      small: 'info',
    });
  return a;
}

function other(n: Node, type: string, text: string, index: number, rules: MyRules): StatementAnalysis {
  const a = blankAnalysis(index, text, type.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase());
  if (type === 'CreateTable') {
    const ref = refOf(n.name, rules);
    rules.created.add(keyOf(ref));
    a.original.rollback = `DROP TABLE IF EXISTS ${qualified(ref)}`;
    a.transactional = a.original.transactional = false;
  } else if (type === 'Truncate') {
    const names = ((n.table_names as Node[] | undefined) ?? []).map((t) => keyOf(refOf(t.name, rules)));
    a.hazards.push(
      hazard(
        'truncate-table',
        'error',
        `TRUNCATE deletes every row of ${names.join(', ')}.`,
        'Back up first; delete only what you mean, in batches.',
      ),
    );
    a.original.irreversible = { reason: 'the rows are gone once committed', backup: 'mysqldump of the tables' };
    a.transactional = a.original.transactional = false;
  } else if (type === 'RenameTable') {
    const pairs = (n as unknown as Node[]).map((p) => [refOf(p.old_name, rules), refOf(p.new_name, rules)] as const);
    a.original.rollback = `RENAME TABLE ${pairs.map(([o, nw]) => `${qualified(nw)} TO ${qualified(o)}`).join(', ')}`;
    a.transactional = a.original.transactional = false;
    for (const [o, nw] of pairs) {
      if (rules.created.has(keyOf(o))) rules.created.add(keyOf(nw));
      else
        a.hazards.push(
          hazard(
            'renaming-table',
            'warning',
            `RENAME TABLE ${o.name} TO ${nw.name} breaks running code that uses the old name.`,
            'Keep the name, or create a view with the old name for the transition.',
          ),
        );
    }
  } else if (type === 'Insert') {
    a.original.irreversible = {
      reason: 'inserted rows are not tracked; delete them by key to undo',
      backup: 'none needed for new rows',
    };
  } else if (type === 'CreateView') {
    a.original.rollback = null;
  } else {
    a.notes.push(`no specific rule for ${type}: review it by hand`);
  }
  return a;
}

function unparsed(text: string, index: number, err: Error): StatementAnalysis {
  const a = blankAnalysis(index, text, 'UNPARSED');
  a.transactional = a.original.transactional = false;
  const rebuild = /^\s*(optimize\s+table|alter\s+table\s+\S+\s+(force|engine\s*=|convert\s+to))/i.exec(text);
  if (rebuild)
    a.hazards.push(
      hazard(
        'table-rebuild',
        'warning',
        `${rebuild[1]!.toUpperCase()} rebuilds the whole table (CONVERT TO CHARACTER SET copies it, ALGORITHM=COPY: writes wait).`,
        'gh-ost / pt-online-schema-change for a large table, or a maintenance window.',
      ),
    );
  else
    a.hazards.push(
      hazard(
        'execute',
        'warning',
        `The statement could not be inspected (${err.message.replace(/^sql parser error: /, '')}); its locks and algorithm are unknown.`,
        'Review it by hand; ask for ALGORITHM=INPLACE, LOCK=NONE explicitly so the server refuses to copy the table.',
      ),
    );
  a.original.irreversible = { reason: 'not inspected', backup: 'mysqldump of the tables it touches' };
  return a;
}

async function analyzeOne(text: string, index: number, rules: MyRules): Promise<StatementAnalysis | 'skip'> {
  let stmt: Node;
  try {
    const parsed = await parseSqlparser(text, 'mysql');
    if (parsed.statements.length !== 1) throw new Error(`${parsed.statements.length} statements in one piece`);
    stmt = parsed.statements[0] as Node;
  } catch (err) {
    return unparsed(text, index, err as Error);
  }
  const [type, n] = Object.entries(stmt)[0] as [string, Node];
  if (type === 'StartTransaction') {
    rules.inTransaction = true;
    rules.blocks++;
    return 'skip';
  }
  if (type === 'Commit' || type === 'Rollback') {
    rules.inTransaction = false;
    return 'skip';
  }
  if (type === 'Set') {
    const variable = JSON.stringify((n.SingleAssignment as Node | undefined)?.variable ?? '');
    if (/lock_wait_timeout/i.test(variable)) rules.sawLockTimeout = true;
    const name = /"value":"([^"]+)"/.exec(variable)?.[1] ?? '';
    if (SESSION_TIMEOUTS.test(name)) return 'skip';
    const a = blankAnalysis(index, text, 'SET');
    a.transactional = a.original.transactional = false;
    return a;
  }
  if (type === 'AlterTable') return analyzeMysqlAlter(n, text, index, rules);
  if (type === 'CreateIndex') return createIndex(n, text, index, rules);
  if (type === 'Drop') return drop(n, text, index, rules);
  if (type === 'Update') return dataChange(n, text, index, rules, 'UPDATE');
  if (type === 'Delete') return dataChange(n, text, index, rules, 'DELETE');
  return other(n, type, text, index, rules);
}

export async function analyzeMysql(
  driver: MysqlDriver,
  database: string,
  sql: string,
  server: ServerFacts & { text: string },
): Promise<MigrationAnalysis> {
  const pieces = splitStatements(sql, 'mysql');
  if (pieces.length === 0)
    throw new ToolError('INVALID_ARGUMENT', 'the migration is empty', 'Send the statements of the migration.');
  const rules: MyRules = {
    server,
    database,
    created: new Set(),
    sawLockTimeout: false,
    inTransaction: false,
    ddlInTransaction: new Set(),
    blocks: 0,
    table: tableLoader(driver),
  };
  const statements: StatementAnalysis[] = [];
  for (const text of pieces) {
    const a = await analyzeOne(text, statements.length, rules);
    if (a === 'skip') continue;
    if (rules.inTransaction && a.transactional) a.block = rules.blocks; // DDL commits implicitly: only data changes share a transaction
    a.classification = await classifyMysql(text, server.variant);
    statements.push(a);
  }
  const hazards: Hazard[] = [];
  const ddlOnExisting = statements.some(
    (s) => !s.transactional && s.kind !== 'SET' && s.touches.some((t) => !t.created_here),
  );
  if (ddlOnExisting && !rules.sawLockTimeout) {
    hazards.push({
      code: 'require-lock-timeout',
      severity: 'warning',
      message:
        'No SET lock_wait_timeout: a DDL statement waiting for the metadata lock (behind any open transaction on the table) makes every later query on it queue behind it.',
      safer: 'SET SESSION lock_wait_timeout = 5 before the DDL (each step of the plan sets it); retry on timeout.',
    });
  }
  return { server: { variant: server.variant, version: server.text }, statements, hazards, default_schema: database };
}
