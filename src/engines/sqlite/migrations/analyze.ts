/**
 * A SQLite migration, read with sqlparser-rs's SQLite dialect: what ALTER TABLE can do directly
 * and its limits (RULES.md 1.6, verified error texts), the 12-step rebuild for the rest, the
 * "rename the old table first" trap, and the usual drops, renames and data changes. Every SQLite
 * write holds the single database write lock; there is no CONCURRENTLY.
 */
import { ToolError } from '../../../core/errors.js';
import { parseSqlparser as parseSqlparser } from '../../kit/sqlparser/parser.js';
import { splitStatements } from '../../kit/migrations/split-statements.js';
import type { Hazard, MigrationAnalysis, StatementAnalysis } from '../../contract/migrations.js';
import { blankAnalysis } from '../../contract/migrations.js';
import type { TableRef } from '../../contract/engine.js';
import type { SqliteDriver } from '../core/driver.js';
import { q, rebuildStep, type RebuildEdit } from './rebuild.js';

type Node = Record<string, unknown>;

interface SlRules {
  driver: SqliteDriver;
  version: string;
  created: Set<string>;
  dropped: Map<string, { at: number; foreignKeysOff: boolean }>;
  renamedAway: Map<string, number>;
  foreignKeysOff: boolean;
}

const hazard = (
  code: string,
  severity: Hazard['severity'],
  message: string,
  safer: string | null,
  sized?: TableRef,
): Hazard => ({ code, severity, message, safer, ...(sized ? { sized } : {}) });
const ident = (i: unknown) => String((i as Node | undefined)?.value ?? '');
const nameOf = (n: unknown) => ((n as Node[] | undefined) ?? []).map((p) => ident(p.Identifier ?? p)).at(-1) ?? '';
const ref = (name: string): TableRef => ({ schema: 'main', name });
const lower = (s: string) => s.toLowerCase();
const WRITE_LOCK = { level: 'database write lock', blocks: 'writes' as const };
/** Statements a SQLite migration may run (the rest, e.g. ATTACH, VACUUM, a bare SELECT, are refused). */
const RUNNABLE = new Set([
  'AlterTable',
  'CreateTable',
  'CreateIndex',
  'CreateView',
  'CreateTrigger',
  'Drop',
  'Update',
  'Delete',
  'Insert',
]);

function exists(rules: SlRules, table: string): boolean {
  return (
    rules.driver.all(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE`, table).length > 0
  );
}

function addColumnLimits(def: Node, rules: SlRules): string[] {
  const problems: string[] = [];
  const opts = ((def.options as Node[] | undefined) ?? []).map((o) => o.option as Node | string);
  const names = opts.map((o) => (typeof o === 'string' ? o : Object.keys(o)[0]));
  const dflt = opts.find((o) => typeof o === 'object' && o && 'Default' in o) as Node | undefined;
  const dfltNode = dflt?.Default as Node | undefined;
  const constantDefault = !dfltNode || 'Value' in dfltNode || 'UnaryOp' in dfltNode;
  const nullDefault = !dfltNode || JSON.stringify(dfltNode).includes('"Null"');
  if (names.some((n) => n === 'PrimaryKey' || n === 'Unique'))
    problems.push(
      'a PRIMARY KEY or UNIQUE column cannot be added ("Cannot add a PRIMARY KEY column" / "Cannot add a UNIQUE column")',
    );
  if (!constantDefault)
    problems.push(
      'the default must be a constant ("Cannot add a column with non-constant default"; CURRENT_TIMESTAMP and (expressions) are not)',
    );
  if (names.includes('NotNull') && nullDefault)
    problems.push('NOT NULL needs a non-NULL default ("Cannot add a NOT NULL column with default value NULL")');
  if (names.includes('ForeignKey') && !nullDefault && !rules.foreignKeysOff)
    problems.push(
      'with foreign keys on, REFERENCES needs a NULL default ("Cannot add a REFERENCES column with non-NULL default value")',
    );
  const gen = opts.find((o) => typeof o === 'object' && o && 'Generated' in o) as Node | undefined;
  if (gen && (gen.Generated as Node).generation_expr_mode === 'Stored')
    problems.push('a STORED generated column cannot be added ("cannot add a STORED column"); VIRTUAL can');
  return problems;
}

function dropColumnLimits(rules: SlRules, table: string, column: string): string[] {
  const d = rules.driver;
  const col = lower(column);
  const out: string[] = [];
  const info = d
    .all<{ name: string; pk: number }>(`SELECT name, pk FROM pragma_table_xinfo(?)`, table)
    .find((c) => lower(c.name) === col);
  if (info?.pk) out.push('it is part of the PRIMARY KEY');
  for (const idx of d.all<{ name: string; unique: number; partial: number }>(
    `SELECT name, "unique", partial FROM pragma_index_list(?)`,
    table,
  )) {
    const cols = d
      .all<{ name: string | null }>(`SELECT name FROM pragma_index_info(?)`, idx.name)
      .map((c) => lower(c.name ?? ''));
    if (cols.includes(col))
      out.push(
        idx.unique ? `it is UNIQUE (index ${idx.name}: "cannot drop UNIQUE column")` : `it is indexed (${idx.name})`,
      );
  }
  if (
    d.all<{ from: string }>(`SELECT "from" FROM pragma_foreign_key_list(?)`, table).some((f) => lower(f.from) === col)
  )
    out.push('it is a foreign key');
  const [t] = d.all<{ sql: string }>(
    `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE`,
    table,
  );
  if (t && new RegExp(`check\\s*\\([^)]*\\b${column}\\b`, 'i').test(t.sql)) out.push('a CHECK constraint uses it');
  const users = d
    .all<{ type: string; name: string; sql: string }>(
      `SELECT type, name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger')`,
    )
    .filter((v) => new RegExp(`\\b${column}\\b`, 'i').test(v.sql) && new RegExp(`\\b${table}\\b`, 'i').test(v.sql));
  for (const u of users) out.push(`${u.type} ${u.name} uses it ("error in ${u.type} ${u.name} after drop column")`);
  return out;
}

function withRebuild(a: StatementAnalysis, rules: SlRules, table: string, edit: RebuildEdit): void {
  const built = rebuildStep(rules.driver, table, edit);
  a.sqlite_rebuild = true;
  a.rewrite = a.scan = true;
  for (const t of a.touches) t.work = 'rewrite';
  if ('step' in built) a.safer = [built.step];
  else a.notes.push(`no rebuild offered: ${built.reason}`);
}

function alterTable(n: Node, text: string, index: number, rules: SlRules): StatementAnalysis {
  const table = nameOf(n.name);
  const a = blankAnalysis(index, text, 'ALTER TABLE');
  const createdHere = rules.created.has(lower(table));
  a.locks.push({ ...WRITE_LOCK, table });
  a.touches.push({ table: ref(table), work: 'none', created_here: createdHere });
  for (const op of (n.operations as Node[] | undefined) ?? []) {
    const [kind, body] = Object.entries(op)[0] as [string, Node];
    if (kind === 'AddColumn') {
      const def = body.column_def as Node;
      const col = ident(def.name);
      a.original.rollback = `ALTER TABLE ${q(table)} DROP COLUMN ${q(col)}`;
      const problems = addColumnLimits(def, rules);
      if (problems.length)
        a.hazards.push(
          hazard(
            'sqlite-add-column-limit',
            'error',
            `ADD COLUMN ${col} fails: ${problems.join('; ')}.`,
            'Add it nullable with a constant default and backfill, or rebuild the table (12-step procedure).',
          ),
        );
    } else if (kind === 'DropColumn') {
      const col = ident(((body.column_names as Node[] | undefined) ?? [])[0]);
      a.touches[0]!.work = 'rewrite';
      a.rewrite = a.scan = true;
      if (createdHere) continue;
      a.original.irreversible = {
        reason: `the data of ${table}.${col} is gone once committed`,
        backup: 'sqlite3 <file> ".backup <file>.bak" (or VACUUM INTO)',
      };
      a.hazards.push(
        hazard(
          'ban-drop-column',
          'error',
          `DROP COLUMN ${col} loses its data and breaks running code that still uses it; SQLite rewrites the whole table to do it.`,
          'Stop using the column first, back up the database, then drop it.',
        ),
      );
      const limits =
        rules.version < '3.35' ? ['SQLite before 3.35 has no DROP COLUMN'] : dropColumnLimits(rules, table, col);
      if (limits.length) {
        a.hazards.push(
          hazard(
            'sqlite-drop-column-limit',
            'error',
            `DROP COLUMN ${col} fails: ${limits.join('; ')}.`,
            'Rebuild the table without the column (the 12-step procedure; the plan has it).',
          ),
        );
        withRebuild(a, rules, table, { kind: 'drop', column: col });
      }
    } else if (kind === 'RenameColumn') {
      const [from, to] = [ident(body.old_column_name), ident(body.new_column_name)];
      a.original.rollback = `ALTER TABLE ${q(table)} RENAME COLUMN ${q(to)} TO ${q(from)}`;
      if (!createdHere)
        a.hazards.push(
          hazard(
            'renaming-column',
            'warning',
            `RENAME COLUMN ${from} TO ${to}: SQLite rewrites the triggers and views, but running code using the old name breaks.`,
            'Expand/contract: add the new column, write both, move reads, drop the old.',
          ),
        );
    } else if (kind === 'RenameTable') {
      const to = nameOf((body.table_name as Node).To);
      a.original.rollback = `ALTER TABLE ${q(to)} RENAME TO ${q(table)}`;
      if (createdHere) rules.created.add(lower(to));
      else rules.renamedAway.set(lower(table), index);
      if (!createdHere && !/^(new_|tmp_|_)/i.test(table))
        a.hazards.push(
          hazard(
            'renaming-table',
            'warning',
            `RENAME TABLE ${table} TO ${to} breaks running code that uses the old name.`,
            'Keep the name, or create a view with the old name for the transition.',
          ),
        );
    } else {
      a.hazards.push(
        hazard(
          'sqlite-alter-unsupported',
          'error',
          `SQLite's ALTER TABLE cannot ${kind === 'AlterColumn' ? 'change a column (type, NOT NULL, default)' : `do ${kind}`}: the statement fails. It needs the 12-step table rebuild.`,
          'Rebuild the table (new table, copy, drop, rename, re-create indexes, triggers and views) in one transaction with foreign keys off (the plan has it).',
        ),
      );
      const edit = rebuildEditOf(kind, body, text);
      if (edit && !createdHere) {
        withRebuild(a, rules, table, edit);
        if (edit.kind === 'not-null')
          a.checks.push({
            code: 'sqlite-alter-unsupported',
            table: ref(table),
            description: `rows where ${edit.column} IS NULL (the copy into the NOT NULL column fails on them)`,
            count_sql: `SELECT count(*) AS violations FROM ${q(table)} WHERE ${q(edit.column)} IS NULL`,
            sample_sql: `SELECT rowid, * FROM ${q(table)} WHERE ${q(edit.column)} IS NULL LIMIT 5`,
          });
      }
    }
  }
  return a;
}

function rebuildEditOf(kind: string, body: Node, text: string): RebuildEdit | null {
  if (kind === 'AlterColumn') {
    const column = ident(body.column_name);
    const op = body.op as Node | string;
    if (op === 'SetNotNull') return { kind: 'not-null', column };
    if (op === 'DropNotNull') return { kind: 'nullable', column };
    if (typeof op === 'object' && op && 'SetDataType' in op) {
      const m = /\btype\s+(.+?)\s*;?\s*$/i.exec(text) ?? /\bset\s+data\s+type\s+(.+?)\s*;?\s*$/i.exec(text);
      return m ? { kind: 'type', column, type: m[1]! } : null;
    }
  }
  if (kind === 'AddConstraint') {
    const m = /\badd\s+([\s\S]+?)\s*;?\s*$/i.exec(text);
    return m ? { kind: 'add-constraint', text: m[1]! } : null;
  }
  return null;
}

function simple(type: string, n: Node, text: string, index: number, rules: SlRules): StatementAnalysis {
  const a = blankAnalysis(index, text, type.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase());
  if (type === 'CreateTable') {
    const name = nameOf(n.name);
    rules.created.add(lower(name));
    a.original.rollback = `DROP TABLE IF EXISTS ${q(name)}`;
  } else if (type === 'CreateIndex') {
    const table = nameOf(n.table_name);
    const createdHere = rules.created.has(lower(table));
    a.locks.push({ ...WRITE_LOCK, table });
    a.touches.push({ table: ref(table), work: 'index-build', created_here: createdHere });
    a.scan = a.index_rebuild = true;
    a.original.rollback = `DROP INDEX IF EXISTS ${q(nameOf(n.name))}`;
    a.original.long_running = !createdHere;
    const cols = ((n.columns as Node[] | undefined) ?? []).map((c) =>
      ident(((c.column as Node | undefined)?.expr as Node | undefined)?.Identifier),
    );
    if (n.unique && !createdHere && cols.every(Boolean)) {
      const list = cols.map(q).join(', ');
      const groups = `SELECT ${list}, count(*) AS copies FROM ${q(table)} WHERE ${cols.map((c) => `${q(c)} IS NOT NULL`).join(' AND ')} GROUP BY ${list} HAVING count(*) > 1`;
      a.checks.push({
        code: 'unique-index-duplicates',
        table: ref(table),
        description: `rows sharing a value of (${cols.join(', ')})`,
        count_sql: `SELECT count(*) AS violations FROM (${groups})`,
        sample_sql: `${groups} LIMIT 5`,
      });
    }
    if (!createdHere)
      a.hazards.push(
        hazard(
          'sqlite-index-write-lock',
          'info',
          `CREATE INDEX holds the database write lock while it reads all of ${table}: other writers wait (there is no CONCURRENTLY in SQLite).`,
          'Run it when writes are quiet; keep busy_timeout set on the application.',
        ),
      );
  } else if (type === 'Drop') {
    const names = ((n.names as unknown[][] | undefined) ?? []).map(nameOf);
    if (n.object_type === 'Table') {
      for (const name of names) {
        if (rules.created.has(lower(name))) continue;
        rules.dropped.set(lower(name), { at: index, foreignKeysOff: rules.foreignKeysOff });
        a.locks.push({ ...WRITE_LOCK, table: name });
        a.hazards.push(
          hazard(
            'ban-drop-table',
            'error',
            `DROP TABLE ${name} deletes the table and its data; running code that uses it fails.`,
            'Stop using it and back up the database first.',
          ),
        );
        a.original.irreversible = {
          reason: 'the table and its rows are gone once committed',
          backup: 'sqlite3 <file> ".backup <file>.bak" (or VACUUM INTO)',
        };
      }
    }
  } else if (type === 'Update' || type === 'Delete') {
    const rel =
      type === 'Update'
        ? ((n.table as Node).relation as Node)
        : ((((n.from as Node).WithFromKeyword ?? (n.from as Node).WithoutKeyword) as Node[])[0]!.relation as Node);
    const table = nameOf((rel.Table as Node).name);
    const createdHere = rules.created.has(lower(table));
    a.locks.push({ ...WRITE_LOCK, table });
    a.touches.push({ table: ref(table), work: 'scan', created_here: createdHere });
    a.scan = true;
    if (!createdHere) {
      a.original.irreversible = {
        reason: `the old values are overwritten (${type.toUpperCase()})`,
        backup: 'sqlite3 <file> ".backup <file>.bak"',
      };
      if (type === 'Delete' && !n.selection)
        a.hazards.push(
          hazard(
            'delete-all-rows',
            'error',
            `DELETE without WHERE removes every row of ${table}.`,
            'Add the WHERE you mean; back up first.',
          ),
        );
      // A DELETE with a WHERE is the same hazard as a backfill: the write lock is held over every row it matches.
      if ((type === 'Update' || n.selection) && exists(rules, table))
        a.hazards.push({
          ...hazard(
            'backfill-in-one-statement',
            'warning',
            `${type.toUpperCase()} ${table} in one statement holds the database write lock for the whole ${type.toLowerCase()}: every other writer waits.`,
            `${type === 'Update' ? 'Backfill' : 'Delete'} in batches (e.g. WHERE rowid BETWEEN ...), each in its own transaction.`,
            ref(table),
          ),
          small: 'info',
        });
    }
  } else if (type === 'Insert') {
    a.original.irreversible = {
      reason: 'inserted rows are not tracked; delete them by key to undo',
      backup: 'none needed for new rows',
    };
  } else if (type === 'CreateView') {
    rules.created.add(lower(nameOf(n.name)));
    a.original.rollback = `DROP VIEW IF EXISTS ${q(nameOf(n.name))}`;
  }
  return a;
}

function pragma(text: string, index: number, rules: SlRules): StatementAnalysis {
  const a = blankAnalysis(index, text, 'PRAGMA');
  a.transactional = a.original.transactional = false;
  if (/^\s*pragma\s+foreign_keys\s*=\s*(off|0|false|no)\b/i.test(text)) rules.foreignKeysOff = true;
  if (/^\s*pragma\s+foreign_keys\s*=\s*(on|1|true|yes)\b/i.test(text)) rules.foreignKeysOff = false;
  return a;
}

/** Post-pass over the whole migration: the rebuild done right is not data loss; renaming the old table first is the trap. */
function rebuildPatterns(statements: StatementAnalysis[], rules: SlRules): Hazard[] {
  const out: Hazard[] = [];
  for (const [table, at] of rules.renamedAway) {
    if (!rules.created.has(table)) continue;
    const s = statements[at]!;
    s.hazards = s.hazards.filter((h) => h.code !== 'renaming-table');
    s.hazards.push(
      hazard(
        'sqlite-rebuild-rename-first',
        'error',
        `${table} is renamed away and then re-created: renaming the old table first repoints foreign keys, triggers and views to the old name (SQLite 3.26+), so they break when it is dropped.`,
        'Follow the 12-step order: CREATE TABLE new_X, copy, DROP TABLE X, ALTER TABLE new_X RENAME TO X, with PRAGMA foreign_keys=OFF around it.',
      ),
    );
  }
  for (const [table, { at, foreignKeysOff }] of rules.dropped) {
    if (!rules.created.has(table)) continue; // re-created (new_X renamed to X): a rebuild, not data loss
    const s = statements[at]!;
    s.hazards = s.hazards.filter((h) => h.code !== 'ban-drop-table');
    s.notes.push(`${table} is re-created later in the migration: a table rebuild`);
    const referenced =
      rules.driver.all(
        `SELECT 1 FROM sqlite_schema m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f."table" = ? COLLATE NOCASE`,
        table,
      ).length > 0;
    if (referenced && !foreignKeysOff)
      s.hazards.push(
        hazard(
          'sqlite-rebuild-foreign-keys',
          'error',
          `Other tables reference ${table}: with foreign keys on, DROP TABLE ${table} deletes its rows first and fails (or cascades).`,
          'PRAGMA foreign_keys = OFF before the rebuild (outside the transaction), PRAGMA foreign_key_check before COMMIT, then ON again.',
        ),
      );
  }
  return out;
}

async function parseOne(text: string): Promise<[string, Node] | Error> {
  try {
    const parsed = await parseSqlparser(text, 'sqlite');
    if (parsed.statements.length !== 1) return new Error(`${parsed.statements.length} statements in one piece`);
    return Object.entries(parsed.statements[0] as Node)[0] as [string, Node];
  } catch (err) {
    return err as Error;
  }
}

export async function analyzeSqlite(driver: SqliteDriver, sql: string): Promise<MigrationAnalysis> {
  const pieces = splitStatements(sql, 'sqlite');
  if (pieces.length === 0)
    throw new ToolError('INVALID_ARGUMENT', 'the migration is empty', 'Send the statements of the migration.');
  const [v] = driver.all<{ v: string }>('SELECT sqlite_version() AS v');
  const rules: SlRules = {
    driver,
    version: v?.v ?? '3',
    created: new Set(),
    dropped: new Map(),
    renamedAway: new Map(),
    foreignKeysOff: false,
  };
  const statements: StatementAnalysis[] = [];
  let blocks = 0;
  let block: number | undefined;
  for (const text of pieces) {
    const index = statements.length;
    if (/^\s*pragma\b/i.test(text)) {
      const a = pragma(text, index, rules);
      const control = /^\s*pragma\s+(foreign_keys|foreign_key_check|defer_foreign_keys)\b/i.test(text);
      a.runnable = {
        ok: control,
        reason: control
          ? null
          : 'only PRAGMA foreign_keys, defer_foreign_keys and foreign_key_check are run in a migration; run other PRAGMAs outside dba-mcp',
      };
      if (block !== undefined && /^\s*pragma\s+(foreign_key_check|defer_foreign_keys)\b/i.test(text)) {
        a.transactional = a.original.transactional = true;
        a.block = block;
      }
      statements.push(a);
      continue;
    }
    const parsed = await parseOne(text);
    if (parsed instanceof Error)
      throw new ToolError(
        'SQL_SYNTAX',
        `statement ${index + 1} does not parse as SQLite: ${parsed.message}`,
        "Fix the SQL; plan_migration reads it with sqlparser-rs's SQLite dialect.",
      );
    const [type, n] = parsed;
    if (type === 'StartTransaction') {
      block = ++blocks;
      continue;
    }
    if (type === 'Commit' || type === 'Rollback') {
      block = undefined;
      continue;
    }
    const a = type === 'AlterTable' ? alterTable(n, text, index, rules) : simple(type, n, text, index, rules);
    const ok = RUNNABLE.has(type) && !/\b(load_extension|fts3_tokenizer)\s*\(/i.test(text);
    a.runnable = {
      ok,
      reason: ok ? null : `${a.kind} is not a change dba-mcp runs in a migration; run it outside dba-mcp`,
    };
    if (block !== undefined) a.block = block;
    statements.push(a);
  }
  const hazards = rebuildPatterns(statements, rules);
  return { server: { variant: 'sqlite', version: rules.version }, statements, hazards, default_schema: 'main' };
}
