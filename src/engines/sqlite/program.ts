/**
 * What a statement will touch, read from SQLite's own compiled program (EXPLAIN runs nothing):
 * every table it opens, views already expanded, and every function it calls.
 */
import type { TableName } from '../../sql/types.js';
import type { SqliteDriver } from './driver.js';

interface Op {
  opcode: string;
  p2: number;
  p3: number;
  p4: string | null;
}

const FUNCTION_OPS = new Set(['Function', 'PureFunc', 'AggStep', 'AggFinal', 'AggValue', 'AggInverse']);

export interface Program {
  tables: TableName[];
  functions: string[];
}

export function programOf(driver: SqliteDriver, sql: string, params: readonly unknown[]): Program {
  const ops = driver.db.prepare(`EXPLAIN ${sql}`).all(...params) as Op[];
  const databases = driver.all<{ seq: number; name: string }>('SELECT seq, name FROM pragma_database_list');
  const tables = new Map<string, TableName>();
  for (const op of ops.filter((o) => o.opcode === 'OpenRead')) {
    const schema = databases.find((d) => d.seq === op.p3)?.name ?? 'main';
    const [owner] = driver.all<{ tbl_name: string }>(`SELECT tbl_name FROM "${schema.replace(/"/g, '""')}".sqlite_schema WHERE rootpage = ?`, op.p2);
    if (owner) tables.set(`${schema}.${owner.tbl_name}`, { schema, name: owner.tbl_name });
  }
  const functions = new Set(ops.filter((o) => FUNCTION_OPS.has(o.opcode) && o.p4).map((o) => o.p4!.replace(/\(.*$/, '').toLowerCase()));
  return { tables: [...tables.values()], functions: [...functions] };
}
