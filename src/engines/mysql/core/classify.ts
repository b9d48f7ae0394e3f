/**
 * The parser's verdict, plus the allow-list's on every function the statement calls: a built-in
 * on the list, called by its bare name, that no stored or loadable function of the database
 * answers to; or a function the source's allow_functions names (schema.name).
 */
import type { Classification, TableName } from '../../../core/classification.js';
import { classifyMysql } from './sql/classify.js';
import type { BehindViews } from './view-tables.js';
import type { FunctionCall } from '../../kit/sqlparser/collect.js';
import { MYSQL_ARGC, MYSQL_FUNCTIONS } from './function-lists.js';

const VALUE_STATISTICS = new Set(['mysql.column_stats', 'information_schema.column_statistics']);

export interface FunctionPolicy {
  /** The names (lower case) a stored or loadable function answers to. */
  stored(names: readonly string[]): Promise<Set<string>>;
  /** allow_functions, lower case: schema.name. */
  allowed: ReadonlySet<string>;
  /** The source's database: where an unqualified stored function lives. */
  database: string | undefined;
}

function judge(call: FunctionCall, stored: ReadonlySet<string>, policy: FunctionPolicy | undefined): boolean {
  const name = call.name.toLowerCase();
  const home = call.schema ?? (stored.has(name) ? policy?.database : undefined);
  if (call.schema || stored.has(name))
    return home !== undefined && policy?.allowed.has(`${home}.${name}`.toLowerCase()) === true;
  if (!MYSQL_FUNCTIONS.has(call.name)) return false;
  const argc = MYSQL_ARGC[call.name];
  return argc === undefined || argc === call.args;
}

/** With `behindViews`, the tables views stand for are added (for deny lists); a view that cannot be read makes the statement unknown. */
export async function classify(
  sql: string,
  variant: string,
  views?: (tables: TableName[]) => Promise<BehindViews>,
  policy?: FunctionPolicy,
): Promise<Classification> {
  const { calls: named, ...found } = await classifyMysql(sql, variant);
  const calls = [...named]; // the parser's answer is cached: never added to
  if (found.class === 'unknown') return found;
  // what views read and call is read and called too: deny_tables judges their tables, the
  // allow-list their functions (a view over a stored function runs it); a change through an
  // updatable view reaches the tables behind it
  if (views && found.tables.length) {
    try {
      const behind = await views(found.tables);
      found.tables = [...found.tables, ...behind.tables];
      calls.push(...behind.calls);
    } catch (err) {
      return { ...found, class: 'unknown', reasons: [(err as Error).message] };
    }
  }
  const stored =
    calls.length && policy ? await policy.stored(calls.filter((c) => !c.schema).map((c) => c.name)) : new Set<string>();
  const denied = calls
    .filter((c) => !judge(c, stored, policy))
    .map((c) => (c.schema ? `${c.schema}.${c.name}` : `${c.name}${c.name in MYSQL_ARGC ? `/${c.args}` : ''}`));
  // engine statistics keep sample values of columns (MariaDB's min/max/histogram, MySQL's histograms)
  const statistics = found.tables
    .filter((t) => VALUE_STATISTICS.has(`${t.schema ?? ''}.${t.name}`.toLowerCase()))
    .map((t) => `${t.schema}.${t.name}`);
  if (statistics.length) found.statistics = statistics;
  // a change's functions are judged too (not to refuse it: a dry run must not run what a rollback does not undo)
  if (found.class !== 'read') return { ...found, deniedFunctions: [...new Set(denied)] };
  return { ...found, deniedFunctions: [...new Set(denied)], sessionNeutral: denied.length === 0 };
}
