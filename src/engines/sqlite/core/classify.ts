/**
 * SQLite's own parser decides: preparing a statement on the read-only connection runs nothing,
 * refuses a second statement, and tells whether the statement only reads (sqlite3_stmt_readonly)
 * and returns rows. A statement that reads but returns nothing (BEGIN, ATTACH, PRAGMA x = y) is
 * refused too. SQLite's built-in functions have no side effects; load_extension() is disabled.
 * For a read, the compiled program names the tables and functions it uses.
 */
import type { Classification } from '../../../core/classification.js';
import { unparseable } from '../../../core/classification.js';
import type { SqliteDriver } from './driver.js';
import { toSqliteToolError } from './errors.js';
import { programOf, schemaVersion, type SchemaVersion } from './program.js';
import { Lru } from '../../../core/lru.js';

/** SQLite built-ins are side-effect free, but for these two (both off by default; refused regardless). */
const DENIED_FUNCTIONS = new Set(['load_extension', 'fts3_tokenizer']);

/**
 * The first word after white space and comments, read by a linear scan: the regex it replaces
 * (/^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*([A-Za-z]+)/) backtracked exponentially on white space
 * with no word after it (31 spaces and `;SELECT 1` held the event loop 13 s).
 */
export function statementWord(sql: string): string {
  let i = 0;
  while (i < sql.length) {
    if (/\s/.test(sql[i]!)) i++;
    else if (sql.startsWith('--', i)) {
      const eol = sql.indexOf('\n', i);
      if (eol < 0) return 'UNKNOWN';
      i = eol + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return 'UNKNOWN';
      i = end + 2;
    } else break;
  }
  const word = /[A-Za-z]+/y;
  word.lastIndex = i;
  return (word.exec(sql)?.[0] ?? 'unknown').toUpperCase();
}

/**
 * A verdict depends only on the text and the schema (bound values do not change the program), so
 * recent ones are kept per schema version: a parametrized query re-run skips EXPLAIN.
 */
const verdicts = new WeakMap<SqliteDriver, Lru<Classification>>();
const CACHEABLE_CHARS = 8192;

export function classifySqlite(driver: SqliteDriver, sql: string, params: readonly unknown[] = []): Classification {
  const schema = schemaVersion(driver);
  if (sql.length > CACHEABLE_CHARS) return classifyUncached(driver, sql, params, schema);
  let known = verdicts.get(driver);
  if (!known) verdicts.set(driver, (known = new Lru(500)));
  const key = `${schema.version}\u0000${sql}`;
  const cached = known.get(key);
  if (cached) return cached;
  const fresh = classifyUncached(driver, sql, params, schema);
  if (!fresh.failure) known.set(key, Object.freeze(fresh));
  return fresh;
}

function classifyUncached(
  driver: SqliteDriver,
  sql: string,
  params: readonly unknown[],
  schema: SchemaVersion,
): Classification {
  let verdict: { readonly: boolean; reader: boolean };
  try {
    const stmt = driver.db.prepare(sql);
    verdict = { readonly: stmt.readonly, reader: stmt.reader };
  } catch (err) {
    const message = (err as Error).message;
    if (/more than one statement/i.test(message))
      return {
        ...unparseable(message),
        reasons: ['more than one statement in the text; exactly one is allowed'],
        statementCount: 2,
      };
    return { ...unparseable(message), failure: toSqliteToolError(err, driver.file).toJSON() };
  }
  const type = statementWord(sql);
  const base = { statementType: type, statementCount: 1, functions: [], tables: [], deniedFunctions: [] };
  if (!verdict.readonly)
    return {
      ...base,
      class: 'write',
      tables: writtenTables(driver, sql, params, schema),
      reasons: [`SQLite reports that ${type} writes`],
      sessionNeutral: false,
    };
  if (!verdict.reader)
    return {
      ...base,
      class: 'admin',
      reasons: [`${type} returns no rows: it acts on the connection rather than reading`],
      sessionNeutral: false,
    };
  if (type === 'EXPLAIN') return { ...base, class: 'read', reasons: [], sessionNeutral: true }; // plans only, runs nothing
  let program: ReturnType<typeof programOf>;
  try {
    program = programOf(driver, sql, params, schema);
  } catch (err) {
    const failure = toSqliteToolError(err, driver.file);
    return {
      ...base,
      class: 'unknown',
      reasons: [`its program could not be inspected: ${failure.message}`],
      sessionNeutral: false,
      failure: failure.toJSON(),
    };
  }
  const deniedFunctions = program.functions.filter((f) => DENIED_FUNCTIONS.has(f));
  // sqlite_stat3/4 keep sample rows of indexed columns
  const statistics = program.tables.filter((t) => /^sqlite_stat[34]$/i.test(t.name)).map((t) => t.name);
  return {
    ...base,
    ...(statistics.length ? { statistics } : {}),
    tables: program.tables,
    functions: program.functions,
    columnRefs: program.columns,
    deniedFunctions,
    class: 'read',
    reasons: [],
    sessionNeutral: deniedFunctions.length === 0,
  };
}

/**
 * The tables a write opens (INSERT/UPDATE/DELETE and what their triggers and foreign keys touch),
 * from its program; none for DDL, whose program works on sqlite_schema, and none when the program
 * cannot be read: a source with deny_tables then refuses the change (the tables guard fails closed).
 */
function writtenTables(
  driver: SqliteDriver,
  sql: string,
  params: readonly unknown[],
  schema: SchemaVersion,
): Classification['tables'] {
  try {
    return programOf(driver, sql, params, schema).tables;
  } catch {
    return [];
  }
}
