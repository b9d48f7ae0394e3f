/**
 * The shape of a PostgreSQL query for propose_index, from libpg-query's parse tree: every table
 * read (per SELECT scope, subqueries and CTEs included), the ANDed predicates on each, join keys,
 * ORDER BY / GROUP BY terms, LIMIT and the columns read. Expressions an index can hold (a function
 * of one column such as lower(email), a cast such as created_at::date, a JSON path such as
 * payload->>'k') become expression terms written back as PostgreSQL SQL.
 */
import { ToolError } from '../../../core/errors.js';
import { parsePostgres } from '../core/sql/parser.js';
import type {
  KeyTerm,
  Predicate,
  PredicateOp,
  PredicateValue,
  QueryShape,
  TableAccess,
} from '../../contract/index-advisor.js';
import { resolveColumn, type Ref, type Scope } from '../../kit/query-scope.js';

type Node = Record<string, unknown>;
const obj = (v: unknown): Node | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const sval = (v: unknown): string => String(obj(obj(v)?.String)?.sval ?? '');

const OPS: Record<string, PredicateOp> = {
  '=': 'eq',
  '<': 'range',
  '>': 'range',
  '<=': 'range',
  '>=': 'range',
  '<>': 'neq',
  '!=': 'neq',
};
const FLIP: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };
/** Predicates a b-tree can serve as an index condition. */
const INDEXABLE_OPS = new Set<PredicateOp>(['eq', 'in', 'range', 'prefix', 'is_null']);

class ShapeBuilder {
  readonly accesses: TableAccess[] = [];
  limit = false;
  isRead = true;
  maxParam = 0;
  orFilters = 0;
  readonly cteNames = new Set<string>();
  readonly starAll = new Set<TableAccess>();

  constructor(
    private readonly sql: string,
    private readonly hasColumn?: (table: string, column: string) => boolean,
  ) {}

  statement(stmt: Node): void {
    const select = obj(stmt.SelectStmt);
    const update = obj(stmt.UpdateStmt);
    const del = obj(stmt.DeleteStmt);
    if (select) return this.select(select, undefined, true);
    this.isRead = false;
    const body = update ?? del;
    if (!body)
      throw new ToolError(
        'INVALID_ARGUMENT',
        'propose_index reads SELECT, UPDATE and DELETE statements',
        'Pass the query whose speed matters.',
      );
    this.withClause(body.withClause, undefined);
    const scope: Scope = { byAlias: new Map() };
    this.addRange(obj(body.relation), scope);
    for (const item of arr(body.fromClause ?? body.usingClause)) this.fromItem(obj(item), scope);
    this.where(body.whereClause, scope);
    this.columnsIn(body, scope);
  }

  withClause(w: unknown, parent: Scope | undefined): void {
    for (const cte of arr(obj(w)?.ctes)) {
      const c = obj(obj(cte)?.CommonTableExpr);
      if (!c) continue;
      this.cteNames.add(String(c.ctename));
      const q = obj(obj(c.ctequery)?.SelectStmt);
      if (q) this.select(q, parent, false);
      else this.isRead = false; // a data-modifying CTE (INSERT/UPDATE/DELETE/MERGE): the statement writes and must never be run (EXPLAIN ANALYZE)
    }
  }

  select(s: Node, parent: Scope | undefined, top: boolean): void {
    this.withClause(s.withClause, parent);
    if (s.op && s.op !== 'SETOP_NONE') {
      for (const side of [s.larg, s.rarg]) if (obj(side)) this.select(obj(side)!, parent, false);
      return;
    }
    if (top && s.limitCount) this.limit = true;
    const scope: Scope = { byAlias: new Map(), ...(parent ? { parent } : {}) };
    for (const item of arr(s.fromClause)) this.fromItem(obj(item), scope);
    this.where(s.whereClause, scope);
    this.where(s.havingClause, scope, true);
    const order = arr(s.sortClause)
      .map((b) => obj(obj(b)?.SortBy))
      .filter((b): b is Node => !!b);
    const sorts = order.map((b) => ({ ...this.term(b.node, scope), desc: b.sortby_dir === 'SORTBY_DESC' }));
    this.attachSort(sorts, (a, terms) => (a.orderBy = terms.map((t) => ({ term: t.term, desc: t.desc }))));
    const groups = arr(s.groupClause).map((g) => ({ ...this.term(g, scope), desc: false }));
    this.attachSort(groups, (a, terms) => (a.groupBy = terms.map((t) => t.term)));
    if (order.length === 0 && groups.length === 0) this.minMax(s.targetList, scope, top);
    this.columnsIn(
      { targetList: s.targetList, sortClause: s.sortClause, groupClause: s.groupClause, having: s.havingClause },
      scope,
    );
    this.sublinks(s.targetList, scope);
  }

  /** SELECT min(col) / max(col) without GROUP BY: an index on col answers it like ORDER BY col LIMIT 1. */
  minMax(targetList: unknown, scope: Scope, top: boolean): void {
    const calls = arr(targetList).map((t) => obj(obj(obj(obj(t)?.ResTarget)?.val)?.FuncCall));
    if (calls.length === 0 || calls.some((f) => !f)) return;
    const terms = calls.map((f) => {
      const name = arr(f!.funcname).map(sval).join('.');
      return /^(min|max)$/i.test(name) && arr(f!.args).length === 1
        ? { ...this.term(arr(f!.args)[0], scope), desc: /^max$/i.test(name) }
        : undefined;
    });
    const first = terms[0];
    if (
      !first?.access ||
      !first.term ||
      terms.some((t) => !t || t.access !== first.access || t.term?.column !== first.term?.column)
    )
      return;
    first.access.orderBy = [{ term: first.term, desc: first.desc }];
    if (top) this.limit = true;
  }

  attachSort(
    terms: { access: TableAccess | undefined; term: KeyTerm | undefined; desc: boolean }[],
    set: (a: TableAccess, terms: { term: KeyTerm; desc: boolean }[]) => void,
  ): void {
    if (terms.length === 0) return;
    const first = terms[0]!.access;
    if (!first || terms.some((t) => t.access !== first || !t.term)) return;
    set(first, terms as { term: KeyTerm; desc: boolean }[]);
  }

  fromItem(item: Node | undefined, scope: Scope): void {
    if (!item) return;
    if (item.RangeVar) return this.addRange(obj(item.RangeVar), scope);
    const join = obj(item.JoinExpr);
    if (join) {
      this.fromItem(obj(join.larg), scope);
      this.fromItem(obj(join.rarg), scope);
      this.where(join.quals, scope, join.jointype !== 'JOIN_INNER');
      return;
    }
    const sub = obj(item.RangeSubselect);
    const q = obj(obj(sub?.subquery)?.SelectStmt);
    if (q) this.select(q, sub?.lateral ? scope : scope.parent, false);
  }

  addRange(rv: Node | undefined, scope: Scope): void {
    if (!rv) return;
    const name = String(rv.relname);
    const schema = rv.schemaname ? String(rv.schemaname) : undefined;
    if (!schema && this.cteNames.has(name)) return;
    const alias = String(obj(rv.alias)?.aliasname ?? name);
    const access: TableAccess = {
      table: { schema: schema ?? '', name, schemaGiven: schema !== undefined },
      alias,
      predicates: [],
      joinColumns: [],
      orderBy: [],
      groupBy: [],
      referenced: [],
    };
    this.accesses.push(access);
    scope.byAlias.set(alias, access);
  }

  /** The access a column reference belongs to (qualified, or the only table in scope), walking out to enclosing scopes. */
  resolve(fields: unknown[], scope: Scope): Ref | undefined {
    const names = fields.map(sval);
    if (names.some((n) => n === '')) return undefined; // A_Star
    return resolveColumn(names.at(-1)!, names.length >= 2 ? names.at(-2)! : undefined, scope, this.hasColumn);
  }

  /** A key term: a column, or an indexable expression over exactly one column of one table. */
  term(node: unknown, scope: Scope): { access: TableAccess | undefined; term: KeyTerm | undefined } {
    const n = obj(node);
    const col = obj(n?.ColumnRef);
    if (col) {
      const ref = this.resolve(arr(col.fields), scope);
      return ref
        ? { access: ref.access, term: { column: ref.column, columns: [ref.column] } }
        : { access: undefined, term: undefined };
    }
    const refs: Ref[] = [];
    this.collectRefs(n, scope, refs);
    const expression = refs.length === 1 ? this.expression(n) : undefined;
    if (!expression || !refs[0]) return { access: undefined, term: undefined };
    return { access: refs[0].access, term: { expression, columns: [refs[0].column] } };
  }

  collectRefs(node: unknown, scope: Scope, out: Ref[]): void {
    if (Array.isArray(node)) return node.forEach((n) => this.collectRefs(n, scope, out));
    const n = obj(node);
    if (!n) return;
    const col = obj(n.ColumnRef);
    if (col) {
      const ref = this.resolve(arr(col.fields), scope);
      if (ref) out.push(ref);
      return;
    }
    for (const v of Object.values(n)) if (v && typeof v === 'object') this.collectRefs(v, scope, out);
  }

  /** PostgreSQL text of an indexable expression (without the alias), or undefined when not indexable. */
  expression(node: Node | undefined): string | undefined {
    if (!node) return undefined;
    const col = obj(node.ColumnRef);
    if (col) return quoteIdent(sval(arr(col.fields).at(-1)));
    const c = obj(node.A_Const);
    if (c) return constText(c);
    const cast = obj(node.TypeCast);
    if (cast) {
      const inner = this.expression(obj(cast.arg));
      const type = arr(obj(cast.typeName)?.names)
        .map(sval)
        .filter((s) => s !== 'pg_catalog')
        .map(quoteIdent)
        .join('.');
      return inner && type ? `(${inner})::${type}` : undefined;
    }
    const fn = obj(node.FuncCall);
    if (fn) {
      if (fn.agg_star || fn.over || fn.agg_distinct) return undefined;
      const parts = arr(fn.funcname)
        .map(sval)
        .filter((s) => s !== 'pg_catalog');
      if (/^(now|random|clock_timestamp|current_\w+|timeofday|count|sum|avg|min|max)$/i.test(parts.join('.')))
        return undefined;
      const args = arr(fn.args).map((a) => this.expression(obj(a)));
      // the name is written back into DDL that runs (the rolled-back test build): quoted like any identifier
      return args.every((a) => a !== undefined) ? `${parts.map(quoteIdent).join('.')}(${args.join(', ')})` : undefined;
    }
    const ae = obj(node.A_Expr);
    if (ae && ae.kind === 'AEXPR_OP') {
      const op = arr(ae.name).map(sval).join('');
      if (!['->>', '->', '#>>', '#>'].includes(op)) return undefined;
      const l = this.expression(obj(ae.lexpr));
      const r = this.expression(obj(ae.rexpr));
      return l && r ? `(${l} ${op} ${r})` : undefined;
    }
    return undefined;
  }

  value(node: unknown): PredicateValue {
    const n = obj(node);
    const c = obj(n?.A_Const);
    if (c) return c.isnull ? { expression: true } : { literal: constRaw(c) };
    const p = obj(n?.ParamRef);
    if (p) {
      const number = Number(p.number);
      this.maxParam = Math.max(this.maxParam, number);
      return { param: number };
    }
    const cast = obj(n?.TypeCast);
    if (cast) return this.value(cast.arg);
    return { expression: true };
  }

  /** A value side: a constant, a placeholder or an expression with no column of the query (now() - interval '1 day'). */
  isValueSide(node: unknown, scope: Scope): boolean {
    const refs: Ref[] = [];
    this.collectRefs(node, scope, refs);
    return refs.length === 0 && !this.hasSublink(node);
  }

  hasSublink(node: unknown): boolean {
    let found = false;
    const visit = (v: unknown): void => {
      if (found || !v || typeof v !== 'object') return;
      if (!Array.isArray(v) && (v as Node).SubLink) found = true;
      else for (const x of Object.values(v as Node)) visit(x);
    };
    visit(node);
    return found;
  }

  where(node: unknown, scope: Scope, joinOnly = false): void {
    const n = obj(node);
    if (!n) return;
    const bool = obj(n.BoolExpr);
    if (bool?.boolop === 'AND_EXPR') return arr(bool.args).forEach((a) => this.where(a, scope, joinOnly));
    this.sublinks(n, scope);
    if (bool) {
      if (bool.boolop === 'OR_EXPR') {
        this.orFilters++;
        if (!joinOnly) this.orGroup(arr(bool.args), scope);
      }
      return; // OR / NOT: no single index; their sublinks were read above
    }
    const text = this.text(n);
    const nt = obj(n.NullTest);
    if (nt) {
      const { access, term } = this.term(nt.arg, scope);
      if (access && term && !joinOnly)
        access.predicates.push({ term, op: nt.nulltesttype === 'IS_NULL' ? 'is_null' : 'not_null', values: [], text });
      return;
    }
    const ae = obj(n.A_Expr);
    if (!ae) return;
    const op = arr(ae.name).map(sval).join('');
    const kind = String(ae.kind);
    if (kind === 'AEXPR_OP' && (op in OPS || op === '!=')) return this.comparison(ae, op, scope, joinOnly, text);
    if (joinOnly) return;
    const { access, term } = this.term(ae.lexpr, scope);
    if (!access || !term) return;
    const add = (p: Omit<Predicate, 'term' | 'text'>) => access.predicates.push({ term, text, ...p });
    if (kind === 'AEXPR_IN' && op === '=')
      add({
        op: 'in',
        values: arr(obj(ae.rexpr)?.List ? obj(obj(ae.rexpr)!.List)!.items : ae.rexpr).map((v) => this.value(v)),
      });
    else if (kind === 'AEXPR_BETWEEN')
      add({ op: 'range', values: arr(obj(obj(ae.rexpr)?.List)?.items).map((v) => this.value(v)) });
    else if (kind === 'AEXPR_LIKE' || kind === 'AEXPR_ILIKE') {
      const v = this.value(ae.rexpr);
      const prefix = kind === 'AEXPR_LIKE' && op === '~~' && 'literal' in v && /^[^%_]+/.test(v.literal);
      add({ op: prefix ? 'prefix' : 'pattern', values: [v] });
    }
  }

  /**
   * An OR whose every branch filters one and the same table: the ANDed predicates of each branch,
   * kept apart on that table's access (an index per branch serves the OR through a BitmapOr). Not
   * kept when a branch has a subquery, reads another table, or has no predicate an index can serve.
   */
  orGroup(args: unknown[], scope: Scope): void {
    if (this.hasSublink(args)) return;
    const branches: Predicate[][] = [];
    let target: TableAccess | undefined;
    let ok = true;
    for (const arg of args) {
      const before = new Map(
        this.accesses.map((a) => [
          a,
          { p: a.predicates.length, j: a.joinColumns.length, o: a.orBranches?.length ?? 0 },
        ]),
      );
      const ors = this.orFilters;
      this.where(arg, scope, false);
      this.orFilters = ors;
      let added: Predicate[] = [];
      for (const a of this.accesses) {
        const b = before.get(a);
        if (!b) continue;
        const got = a.predicates.splice(b.p);
        a.joinColumns.splice(b.j);
        if (a.orBranches) a.orBranches.splice(b.o);
        if (got.length === 0) continue;
        if ((target && target !== a) || added.length) ok = false;
        target = a;
        added = got;
      }
      if (!added.some((p) => INDEXABLE_OPS.has(p.op))) ok = false;
      branches.push(added);
    }
    if (ok && target && branches.length > 1) target.orBranches = [...(target.orBranches ?? []), branches];
  }

  comparison(ae: Node, op: string, scope: Scope, joinOnly: boolean, text: string): void {
    const left = this.term(ae.lexpr, scope);
    const right = this.term(ae.rexpr, scope);
    const lValue = this.isValueSide(ae.lexpr, scope);
    const rValue = this.isValueSide(ae.rexpr, scope);
    if (left.access && right.access && left.access !== right.access && op === '=') {
      for (const side of [left, right]) if (side.term?.column) side.access!.joinColumns.push(side.term.column);
      return;
    }
    if (joinOnly) return;
    const [side, valueNode, effective] =
      left.access && left.term && rValue
        ? [left, ae.rexpr, op]
        : right.access && right.term && lValue
          ? [right, ae.lexpr, FLIP[op] ?? op]
          : [];
    if (!side || !side.access || !side.term) return;
    side.access.predicates.push({
      term: side.term,
      op: OPS[effective!] ?? 'neq',
      values: [this.value(valueNode)],
      text,
    });
  }

  /** Subqueries (EXISTS, IN (SELECT ...), scalar) inside a node: their own scope, with this one outside. */
  sublinks(node: unknown, scope: Scope): void {
    const visit = (v: unknown): void => {
      if (!v || typeof v !== 'object') return;
      if (Array.isArray(v)) return v.forEach(visit);
      const link = obj((v as Node).SubLink);
      if (link) {
        const q = obj(obj(link.subselect)?.SelectStmt);
        if (q) this.select(q, scope, false);
        if (link.testexpr) {
          const { access, term } = this.term(link.testexpr, scope);
          if (access && term?.column) access.joinColumns.push(term.column);
        }
        return;
      }
      for (const x of Object.values(v as Node)) visit(x);
    };
    visit(node);
  }

  /** Columns read anywhere in a node, per table; `*` marks every column of the scope's tables. */
  columnsIn(node: unknown, scope: Scope): void {
    const visit = (v: unknown): void => {
      if (!v || typeof v !== 'object') return;
      if (Array.isArray(v)) return v.forEach(visit);
      const n = v as Node;
      if (n.SubLink) return;
      const col = obj(n.ColumnRef);
      if (col) {
        const fields = arr(col.fields);
        if (fields.some((f) => obj(f)?.A_Star)) {
          const alias = fields.length > 1 ? sval(fields[0]) : undefined;
          for (const [a, access] of scope.byAlias) if (!alias || a === alias) access.referenced = null;
          return;
        }
        const ref = this.resolve(fields, scope);
        if (ref?.access && ref.access.referenced && !ref.access.referenced.includes(ref.column))
          ref.access.referenced.push(ref.column);
        return;
      }
      for (const x of Object.values(n)) visit(x);
    };
    visit(node);
  }

  /** The predicate's own text, from its location to the next clause boundary is unreliable: rebuild it from the tree where we can. */
  text(n: Node): string {
    const loc = findLocation(n);
    if (loc === undefined) return '';
    const rest = this.sql.slice(loc);
    const end = rest.search(/\s+(and|or|order|group|limit|having|offset|union|returning)\s|\)\s*$|;|$/i);
    return rest.slice(0, end < 0 ? undefined : end).trim();
  }
}

function findLocation(n: unknown): number | undefined {
  let best: number | undefined;
  const visit = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(visit);
    for (const [k, x] of Object.entries(v as Node)) {
      if (k === 'location' && typeof x === 'number' && x >= 0) best = best === undefined ? x : Math.min(best, x);
      else visit(x);
    }
  };
  visit(n);
  return best;
}

function constRaw(c: Node): string {
  for (const key of ['sval', 'ival', 'fval', 'boolval', 'bsval']) {
    const inner = obj(c[key]);
    if (inner) {
      const v = Object.values(inner)[0];
      return v === undefined ? (key === 'ival' ? '0' : key === 'boolval' ? 'false' : '') : String(v);
    }
  }
  return '';
}

function constText(c: Node): string {
  const raw = constRaw(c);
  return obj(c.sval) ? `'${raw.replace(/'/g, "''")}'` : raw;
}

export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** `hasColumn` (from the catalog) places unqualified columns of multi-table queries; without it they stay unplaced. */
export async function pgQueryShape(
  sql: string,
  hasColumn?: (table: string, column: string) => boolean,
): Promise<QueryShape> {
  let parsed;
  try {
    parsed = await parsePostgres(sql);
  } catch (err) {
    throw new ToolError(
      'SQL_SYNTAX',
      `PostgreSQL could not parse the query: ${(err as Error).message}`,
      'Pass one valid PostgreSQL statement.',
    );
  }
  const stmts = parsed.stmts ?? [];
  if (stmts.length !== 1)
    throw new ToolError(
      'INVALID_ARGUMENT',
      `expected one statement, got ${stmts.length}`,
      'Pass each query on its own (queries: [...]).',
    );
  const builder = new ShapeBuilder(sql, hasColumn);
  builder.statement(obj(stmts[0]!.stmt) ?? {});
  for (const a of builder.accesses) a.joinColumns = [...new Set(a.joinColumns)];
  const params = Math.max(
    builder.maxParam,
    ...[...JSON.stringify(stmts[0]).matchAll(/"ParamRef":\{"number":(\d+)/g)].map((m) => Number(m[1])),
  );
  return {
    accesses: builder.accesses,
    limit: builder.limit,
    isRead: builder.isRead,
    params,
    orFilters: builder.orFilters,
  };
}
