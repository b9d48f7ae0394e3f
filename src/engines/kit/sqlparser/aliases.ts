/**
 * Table aliases of a statement (`FROM orders o` → o: orders), for plans that name a table by its
 * alias (MariaDB's EXPLAIN FORMAT=JSON, SQLite's EXPLAIN QUERY PLAN). Parsed with sqlparser-rs in
 * the engine's dialect; a statement it cannot parse gives no aliases (the plan keeps its names).
 */
import { parseSqlparser, type SqlparserDialect } from './parser.js';
import { nameParts } from './collect.js';
import type { TableName } from '../../../core/classification.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function collect(node: unknown, out: Map<string, TableName>): void {
  if (Array.isArray(node)) return node.forEach((n) => collect(n, out));
  if (!isObj(node)) return;
  const table = isObj(node.Table) ? node.Table : undefined;
  const alias = table && isObj(table.alias) && isObj(table.alias.name) ? String(table.alias.name.value) : undefined;
  if (table && alias && !table.args) {
    const parts = nameParts(table.name);
    out.set(alias, parts.length > 1 ? { schema: parts.at(-2)!, name: parts.at(-1)! } : { name: parts[0]! });
  }
  for (const value of Object.values(node)) if (typeof value === 'object' && value !== null) collect(value, out);
}

export async function tableAliases(sql: string, dialect: SqlparserDialect): Promise<Map<string, TableName>> {
  const aliases = new Map<string, TableName>();
  try {
    collect((await parseSqlparser(sql, dialect)).statements, aliases);
  } catch {
    // not parseable here: the plan keeps the names it has
  }
  return aliases;
}
