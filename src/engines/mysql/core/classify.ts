/** The parser's verdict, plus the allow-list's on every function the statement calls. */
import type { Classification, TableName } from '../../../core/classification.js';
import { classifyMysql } from './sql/classify.js';
import type { FunctionCall } from '../../kit/sqlparser/collect.js';
import { MYSQL_ARGC, MYSQL_FUNCTIONS } from './function-lists.js';

function judge(call: FunctionCall): boolean {
  if (call.schema) return false; // a stored function may do anything
  if (!MYSQL_FUNCTIONS.has(call.name)) return false;
  const argc = MYSQL_ARGC[call.name];
  return argc === undefined || argc === call.args;
}

/** With `behindViews`, the tables views stand for are added (for deny lists); a view that cannot be read makes the statement unknown. */
export async function classify(
  sql: string,
  variant: string,
  behindViews?: (tables: TableName[]) => Promise<TableName[]>,
): Promise<Classification> {
  const { calls, ...found } = await classifyMysql(sql, variant);
  if (found.class === 'unknown') return found;
  // a change through an updatable view reaches the tables behind it: deny_tables judges those too
  if (behindViews && found.tables.length) {
    try {
      found.tables = [...found.tables, ...(await behindViews(found.tables))];
    } catch (err) {
      return { ...found, class: 'unknown', reasons: [(err as Error).message] };
    }
  }
  const denied = calls
    .filter((c) => !judge(c))
    .map((c) => (c.schema ? `${c.schema}.${c.name}` : `${c.name}${c.name in MYSQL_ARGC ? `/${c.args}` : ''}`));
  // a change's functions are judged too (not to refuse it: a dry run must not run what a rollback does not undo)
  if (found.class !== 'read') return { ...found, deniedFunctions: [...new Set(denied)] };
  return { ...found, deniedFunctions: [...new Set(denied)], sessionNeutral: denied.length === 0 };
}
