/**
 * What a statement will touch, read from SQLite's own compiled program (EXPLAIN runs nothing):
 * every table it opens to read or write, views already expanded, every column it reads (Column on a table or
 * index cursor) and every function it calls. Root pages map to tables and indexes through
 * sqlite_schema, cached until the schema version changes.
 */
import type { TableName } from '../../../core/classification.js';
import type { SqliteDriver } from './driver.js';

// EXPLAIN columns: addr, opcode, p1, p2, p3, p4, p5, comment
const OPCODE = 1;
const P1 = 2;
const P2 = 3;
const P3 = 4;
const P4 = 5;

const FUNCTION_OPS = new Set(['Function', 'PureFunc', 'AggStep', 'AggFinal', 'AggValue', 'AggInverse']);

export interface Program {
  tables: TableName[];
  functions: string[];
  /** Column names read, lowercased. */
  columns: string[];
}

/** A b-tree: a table, or an index of one (`index` set), with its column names in storage order. */
interface Tree extends TableName {
  index?: string;
  columns?: string[];
}

interface RootPages {
  version: string;
  /** database number (p3) -> root page -> tree */
  byDb: Map<number, Map<number, Tree>>;
}

const cache = new WeakMap<SqliteDriver, RootPages>();

/** One row of pragma_database_list. */
interface AttachedDatabase {
  seq: number;
  name: string;
}

/**
 * The databases of the main thread's connection, read once per connection: it only prepares user
 * statements (never steps them), so nothing ATTACHes or DETACHes there. Preparing a statement that
 * names temp can add an empty temp database to the list; it holds no tables, so no program reads one.
 */
const databaseLists = new WeakMap<object, AttachedDatabase[]>();

function databasesOf(driver: SqliteDriver): AttachedDatabase[] {
  let list = databaseLists.get(driver.db);
  if (!list)
    databaseLists.set(driver.db, (list = driver.all<AttachedDatabase>('SELECT seq, name FROM pragma_database_list')));
  return list;
}

/** Every attached database with its schema version: changes whenever any schema does. */
export function schemaVersion(driver: SqliteDriver): { databases: AttachedDatabase[]; version: string } {
  const databases = databasesOf(driver);
  const version = databases
    .map(
      (d) =>
        `${d.seq}:${String(Object.values(driver.all<Record<string, unknown>>(`PRAGMA "${d.name.replace(/"/g, '""')}".schema_version`)[0] ?? {})[0])}`,
    )
    .join(',');
  return { databases, version };
}

export type SchemaVersion = ReturnType<typeof schemaVersion>;

function rootPages(driver: SqliteDriver, { databases, version }: SchemaVersion): RootPages {
  const cached = cache.get(driver);
  if (cached?.version === version) return cached;
  const byDb = new Map<number, Map<number, Tree>>();
  for (const d of databases) {
    const rows = driver.all<{ rootpage: number; tbl_name: string; name: string; type: string }>(
      `SELECT rootpage, tbl_name, name, type FROM "${d.name.replace(/"/g, '""')}".sqlite_schema WHERE rootpage > 0`,
    );
    byDb.set(
      d.seq,
      new Map(
        rows.map((r) => [
          r.rootpage,
          { schema: d.name, name: r.tbl_name, ...(r.type === 'index' ? { index: r.name } : {}) },
        ]),
      ),
    );
  }
  const fresh = { version, byDb };
  cache.set(driver, fresh);
  return fresh;
}

/** Column names of a tree in storage order, read once per schema version. */
function columnsOf(driver: SqliteDriver, tree: Tree): string[] {
  if (!tree.columns) {
    const rows = tree.index
      ? driver.all<{ name: string | null }>(
          'SELECT name FROM pragma_index_xinfo(?, ?) ORDER BY seqno',
          tree.index,
          tree.schema,
        )
      : driver.all<{ name: string | null }>(
          'SELECT name FROM pragma_table_xinfo(?, ?) ORDER BY cid',
          tree.name,
          tree.schema,
        );
    tree.columns = rows.map((r) => (r.name ?? '').toLowerCase());
  }
  return tree.columns;
}

export function programOf(
  driver: SqliteDriver,
  sql: string,
  params: readonly unknown[],
  schema: SchemaVersion = schemaVersion(driver),
): Program {
  const ops = explainOps(driver, sql, params);
  const pages = rootPages(driver, schema);
  const tables = new Map<string, TableName>();
  const cursors = new Map<number, Tree>();
  const functions = new Set<string>();
  const columns = new Set<string>();
  for (const op of ops) {
    const opcode = op[OPCODE] as string;
    if (opcode === 'OpenRead' || opcode === 'OpenWrite') {
      const tree = pages.byDb.get(op[P3] as number)?.get(op[P2] as number);
      if (!tree) continue;
      tables.set(`${tree.schema}.${tree.name}`, { schema: tree.schema, name: tree.name });
      cursors.set(op[P1] as number, tree);
    } else if (opcode === 'Column') {
      const tree = cursors.get(op[P1] as number);
      const name = tree ? columnsOf(driver, tree)[op[P2] as number] : undefined;
      if (name) columns.add(name);
    } else if (FUNCTION_OPS.has(opcode) && op[P4]) functions.add(String(op[P4]).replace(/\(.*$/, '').toLowerCase());
  }
  return { tables: [...tables.values()], functions: [...functions], columns: [...columns] };
}

/**
 * The program's opcodes. A text with placeholders and no values yet (a normalized query given to
 * propose_index or analyze_query) is explained with NULLs for them: the program SQLite compiles does
 * not depend on the bound values, only on the text.
 */
function explainOps(driver: SqliteDriver, sql: string, params: readonly unknown[]): unknown[][] {
  const stmt = driver.db.prepare(`EXPLAIN ${sql}`).raw(true);
  const bound = [...params];
  for (;;) {
    try {
      return stmt.all(...bound) as unknown[][];
    } catch (err) {
      if (
        !(err instanceof RangeError) ||
        !/too few parameter values/i.test(err.message) ||
        bound.length >= MAX_PLACEHOLDERS
      )
        throw err;
      bound.push(null);
    }
  }
}

const MAX_PLACEHOLDERS = 100;
