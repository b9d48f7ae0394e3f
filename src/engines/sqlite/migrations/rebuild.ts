/**
 * SQLite's 12-step table rebuild (https://www.sqlite.org/lang_altertable.html, RULES.md 1.6) for
 * changes ALTER TABLE cannot make: the table's own CREATE TABLE text (from sqlite_schema) with one
 * column or constraint edited, copied into, swapped in, then its indexes, triggers and views
 * re-created, the foreign keys checked, all in one transaction with foreign keys off around it.
 * Never "rename the old table first": that repoints foreign keys and views to the old name.
 */
import type { StepDraft } from '../../contract/migrations.js';
import type { SqliteDriver } from '../core/driver.js';

export const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

export type RebuildEdit =
  | { kind: 'type'; column: string; type: string }
  | { kind: 'not-null'; column: string }
  | { kind: 'nullable'; column: string }
  | { kind: 'drop'; column: string }
  | { kind: 'add-constraint'; text: string };

/** Splits at top-level commas, skipping quotes and parentheses. */
function splitTopLevel(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      i = body.indexOf(close, i + 1);
      if (i < 0) break;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(body.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(body.slice(start).trim());
  return out;
}

const unquote = (s: string) => s.replace(/^["`[]|["`\]]$/g, '');
const firstWord = (chunk: string) => unquote(/^("(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|\S+)/.exec(chunk)?.[1] ?? '');
const isTableConstraint = (chunk: string) => /^(constraint|primary|unique|check|foreign)\b/i.test(chunk);
const mentions = (chunk: string, column: string) =>
  new RegExp(`(^|[^\\w])["\`[]?${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["\`\\]]?([^\\w]|$)`, 'i').test(chunk);

function editChunk(chunk: string, edit: RebuildEdit, oldType: string): string {
  const name = /^("(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|\S+)/.exec(chunk)![1]!;
  const rest = chunk.slice(name.length);
  if (edit.kind === 'type') {
    const typed =
      oldType && rest.trimStart().toLowerCase().startsWith(oldType.toLowerCase())
        ? rest.trimStart().slice(oldType.length)
        : rest;
    return `${name} ${edit.type}${typed}`;
  }
  if (edit.kind === 'not-null') return /\bnot\s+null\b/i.test(rest) ? chunk : `${chunk} NOT NULL`;
  if (edit.kind === 'nullable') return `${name}${rest.replace(/\s+not\s+null\b/gi, '')}`;
  return chunk;
}

/** The CREATE TABLE of `newName` with the edit applied, or null when it cannot be made safely. */
export function editedCreate(
  createSql: string,
  newName: string,
  edit: RebuildEdit,
  types: Map<string, string>,
): string | null {
  const open = createSql.indexOf('(');
  const close = createSql.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  let chunks = splitTopLevel(createSql.slice(open + 1, close));
  if (edit.kind === 'add-constraint') chunks.push(edit.text);
  else {
    const at = chunks.findIndex(
      (c) => !isTableConstraint(c) && firstWord(c).toLowerCase() === edit.column.toLowerCase(),
    );
    if (at < 0) return null;
    if (edit.kind === 'drop') {
      if (chunks.some((c, i) => i !== at && isTableConstraint(c) && mentions(c, edit.column))) return null;
      chunks = chunks.filter((_, i) => i !== at);
    } else chunks[at] = editChunk(chunks[at]!, edit, types.get(edit.column.toLowerCase()) ?? '');
  }
  return `CREATE TABLE ${q(newName)} (${chunks.join(', ')})${createSql.slice(close + 1)}`;
}

interface Dependents {
  indexes: { name: string; sql: string; columns: string[] }[];
  triggers: string[];
  views: { name: string; sql: string }[];
}

function dependents(driver: SqliteDriver, table: string): Dependents {
  const indexes = driver
    .all<{ name: string; sql: string | null }>(
      `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? COLLATE NOCASE`,
      table,
    )
    .filter((i) => i.sql)
    .map((i) => ({
      name: i.name,
      sql: i.sql!,
      columns: driver
        .all<{ name: string | null }>(`SELECT name FROM pragma_index_info(?)`, i.name)
        .map((c) => (c.name ?? '').toLowerCase()),
    }));
  const triggers = driver
    .all<{ sql: string }>(`SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ? COLLATE NOCASE`, table)
    .map((t) => t.sql);
  const views = driver
    .all<{ name: string; sql: string }>(`SELECT name, sql FROM sqlite_schema WHERE type = 'view'`)
    .filter((v) => mentions(v.sql, table));
  return { indexes, triggers, views };
}

/** The rebuild as one step (its own BEGIN/COMMIT inside PRAGMA foreign_keys OFF/ON), or null with the reason. */
export function rebuildStep(
  driver: SqliteDriver,
  table: string,
  edit: RebuildEdit,
): { step: StepDraft } | { reason: string } {
  const [row] = driver.all<{ sql: string }>(
    `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE`,
    table,
  );
  if (!row) return { reason: `table ${table} not found` };
  const cols = driver.all<{ name: string; type: string; hidden: number }>(
    `SELECT name, type, hidden FROM pragma_table_xinfo(?)`,
    table,
  );
  const types = new Map(cols.map((c) => [c.name.toLowerCase(), c.type]));
  const tmp = `new_${table}`;
  const create = editedCreate(row.sql, tmp, edit, types);
  if (!create)
    return {
      reason: `the CREATE TABLE of ${table} could not be edited safely (the column is used by a table constraint, or the definition was not understood)`,
    };
  const copied = cols
    .filter((c) => c.hidden === 0 && !(edit.kind === 'drop' && c.name.toLowerCase() === edit.column.toLowerCase()))
    .map((c) => q(c.name))
    .join(', ');
  const deps = dependents(driver, table);
  const dropped = edit.kind === 'drop' ? edit.column.toLowerCase() : null;
  const keptIndexes = deps.indexes.filter((i) => !dropped || !i.columns.includes(dropped));
  const inner = [
    ...deps.views.map((v) => `DROP VIEW ${q(v.name)}`),
    create,
    `INSERT INTO ${q(tmp)} (${copied}) SELECT ${copied} FROM ${q(table)}`,
    `DROP TABLE ${q(table)}`,
    `ALTER TABLE ${q(tmp)} RENAME TO ${q(table)}`,
    ...keptIndexes.map((i) => i.sql),
    ...deps.triggers,
    ...deps.views.map((v) => v.sql),
    'PRAGMA foreign_key_check',
  ];
  return {
    step: {
      body: ['PRAGMA foreign_keys = OFF', 'BEGIN IMMEDIATE', ...inner, 'COMMIT', 'PRAGMA foreign_keys = ON'],
      transactional: false,
      rollback: null,
      irreversible: {
        reason: `the table is rebuilt and the old copy dropped${dropped ? `, with column ${edit.kind === 'drop' ? edit.column : ''} and its data` : ''}`,
        backup: `sqlite3 <file> ".backup <file>.bak" (or VACUUM INTO '<file>.bak')`,
      },
      purpose: `12-step rebuild of ${table} (new table, copy, drop, rename, re-create ${keptIndexes.length} index(es), ${deps.triggers.length} trigger(s), ${deps.views.length} view(s), foreign_key_check) in one transaction`,
      dry_run_body: inner,
      long_running: true,
    },
  };
}
