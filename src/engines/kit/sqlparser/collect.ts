/** One walk over sqlparser-rs's MySQL AST: function calls, tables, CTE names, and what breaks a read. */
import type { TableName } from '../../../core/classification.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface FunctionCall {
  schema?: string;
  name: string;
  args: number;
}

export interface Facts {
  functions: FunctionCall[];
  columnRefs: Set<string>;
  tables: TableName[];
  ctes: Set<string>;
  problems: string[];
}

function partValue(p: unknown): string {
  if (isObj(p) && isObj(p.Identifier)) return String(p.Identifier.value);
  if (isObj(p) && 'value' in p) return String(p.value);
  throw new Error('unexpected identifier shape');
}

export const nameParts = (name: unknown): string[] => (Array.isArray(name) ? name.map(partValue) : [partValue(name)]);

const qualified = (parts: string[]): { schema?: string; name: string } =>
  parts.length > 1 ? { schema: parts.at(-2)!, name: parts.at(-1)! } : { name: parts[0]! };

function visitNode(node: Obj, key: string | null, facts: Facts, scope: ReadonlySet<string>): void {
  if (isObj(node.Function) && node.Function.name !== undefined) {
    const list = isObj(node.Function.args) && isObj(node.Function.args.List) ? node.Function.args.List.args : [];
    const q = qualified(nameParts(node.Function.name));
    facts.functions.push({ ...q, name: q.name.toUpperCase(), args: Array.isArray(list) ? list.length : 0 });
  }
  if (key === 'relation' && isObj(node.Table)) {
    const q = qualified(nameParts(node.Table.name));
    if (node.Table.args)
      facts.functions.push({ ...q, name: q.name.toUpperCase(), args: 0 }); // a table-valued function
    // a bare name is a CTE only where that CTE is in scope: inside its own (non-recursive) body,
    // or a sibling defined before it, the name is the real table
    else if (q.schema !== undefined || !scope.has(q.name.toLowerCase())) facts.tables.push(q);
  }
  if (isObj(node.ExplainTable)) facts.tables.push(qualified(nameParts(node.ExplainTable.table_name)));
  if (key === 'cte_tables' && isObj(node.alias) && isObj(node.alias.name))
    facts.ctes.add(String(node.alias.name.value).toLowerCase());
  if (key === 'into') facts.problems.push('SELECT ... INTO');
  const column = columnOf(node, key);
  if (column) facts.columnRefs.add(column);
  if (isObj(node.BinaryOp) && node.BinaryOp.op === 'Assignment') facts.problems.push('a variable assignment (:=)');
}

/** An expression naming a column: `col` or `t.col` (not a table or function name, which sit under `name`). */
export function columnOf(node: Obj, key: string | null): string | undefined {
  if (key === 'name' || key === 'table_name') return undefined;
  if (isObj(node.Identifier) && 'value' in node.Identifier) return String(node.Identifier.value).toLowerCase();
  if (Array.isArray(node.CompoundIdentifier)) {
    const last = node.CompoundIdentifier.at(-1) as Obj | undefined;
    return last && 'value' in last ? String(last.value).toLowerCase() : undefined;
  }
  return undefined;
}

/**
 * MySQL 8 optimizer hints that change a session setting or the thread's resources for the
 * statement. (MAX_EXECUTION_TIME may stay: a statement running well past the source's limit is
 * killed from outside anyway, src/engines/mysql/read.ts.)
 */
const SETTING_HINTS = /\b(SET_VAR|RESOURCE_GROUP)\b/i;

export function collect(root: unknown): Facts {
  const facts: Facts = { functions: [], columnRefs: new Set(), tables: [], ctes: new Set(), problems: [] };
  const visit = (node: unknown, key: string | null, scope: ReadonlySet<string>): void => {
    if (Array.isArray(node)) {
      if (key === 'locks' && node.length) facts.problems.push('a locking read (FOR UPDATE / FOR SHARE)');
      if (
        key === 'optimizer_hints' &&
        node.some((h) => isObj(h) && typeof h.text === 'string' && SETTING_HINTS.test(h.text))
      )
        facts.problems.push(
          'an optimizer hint that changes a session setting or resource group (SET_VAR, RESOURCE_GROUP)',
        );
      for (const n of node) visit(n, key, scope);
      return;
    }
    if (!isObj(node)) return;
    visitNode(node, key, facts, scope);
    const withClause = isObj(node.with) && Array.isArray(node.with.cte_tables) ? node.with : undefined;
    let inner = scope;
    if (withClause) {
      // WITH a AS (...), b AS (...) body: a's body sees the outer scope (and a, if RECURSIVE), b's sees a too, the body all
      const ctes = (withClause.cte_tables as unknown[]).filter(isObj);
      const names = ctes.map((c) =>
        isObj(c.alias) && isObj(c.alias.name) ? String(c.alias.name.value).toLowerCase() : '',
      );
      ctes.forEach((cte, i) => {
        visit(cte, 'cte_tables', new Set([...scope, ...names.slice(0, withClause.recursive === true ? i + 1 : i)]));
      });
      inner = new Set([...scope, ...names]);
    }
    for (const k in node) {
      if (k === 'span' || (withClause && k === 'with')) continue; // source positions: a third of the tree, and nothing to judge
      const v = node[k];
      if (typeof v === 'object' && v !== null) visit(v, k, inner);
    }
  };
  visit(root, null, new Set());
  return facts;
}
