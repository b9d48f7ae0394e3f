/**
 * The base tables behind views, found by parsing each view's definition with the classifier's
 * parser (up to 8 levels). A view whose definition cannot be read, or views nested deeper, are
 * reported as a failure, so a deny list cannot be slipped past through them.
 */
import { classifyMysql } from './sql/classify.js';
import type { TableName } from '../../../core/classification.js';
import type { MysqlDriver } from './driver.js';
import type { FunctionCall } from '../../kit/sqlparser/collect.js';

const MAX_DEPTH = 8;

interface ViewRow {
  schema: string;
  name: string;
  definition: string | null;
}

async function viewsAmong(
  driver: MysqlDriver,
  tables: readonly TableName[],
  signal: AbortSignal | undefined,
): Promise<ViewRow[]> {
  if (tables.length === 0) return [];
  const where = tables.map(() => '(TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?)').join(' OR ');
  return driver.catalog<ViewRow>(
    `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS name, VIEW_DEFINITION AS definition FROM information_schema.VIEWS WHERE ${where}`,
    tables.flatMap((t) => [t.schema ?? null, t.name]),
    signal,
  );
}

export interface BehindViews {
  /** The tables the views read, qualified. */
  tables: TableName[];
  /** The functions the views' definitions call: a read through a view runs them too. */
  calls: FunctionCall[];
}

export async function behindViews(
  driver: MysqlDriver,
  variant: string,
  tables: readonly TableName[],
  signal?: AbortSignal,
): Promise<BehindViews> {
  const found: TableName[] = [];
  const calls: FunctionCall[] = [];
  let frontier = [...tables];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length; depth++) {
    const next: TableName[] = [];
    for (const view of await viewsAmong(driver, frontier, signal)) {
      const inner = view.definition ? await classifyMysql(view.definition, variant) : undefined;
      if (!inner || inner.statementType === 'unknown')
        throw new Error(`the definition of view ${view.schema}.${view.name} could not be read`);
      const qualified = inner.tables.map((t) => ({ schema: t.schema ?? view.schema, name: t.name }));
      found.push(...qualified);
      calls.push(...inner.calls);
      next.push(...qualified);
    }
    frontier = next;
  }
  // views still unexpanded past the limit: what they read is unknown, so the statement is refused
  if (frontier.length && (await viewsAmong(driver, frontier, signal)).length)
    throw new Error(`views nest deeper than ${MAX_DEPTH} levels; the tables behind them cannot be named`);
  return { tables: found, calls };
}
