/**
 * The shape of a MySQL/MariaDB or SQLite query for propose_index, from sqlparser-rs's tree (the
 * dialect's real parser; src/sql/mysql/parser.ts): tables per SELECT scope (subqueries and CTEs
 * included), ANDed predicates per table, join keys, ORDER BY / GROUP BY, LIMIT, columns read.
 * Used by the MySQL and the SQLite advisors (same parser, different dialect).
 */
import { ToolError } from '../../../core/errors.js';
import { parseSqlparser, type SqlparserDialect } from './parser.js';
import type {
  KeyTerm,
  Predicate,
  PredicateOp,
  PredicateValue,
  QueryShape,
  TableAccess,
} from '../../contract/index-advisor.js';
import { resolveColumn, type Ref, type Scope } from '../query-scope.js';

type Node = Record<string, unknown>;
const obj = (v: unknown): Node | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const OPS: Record<string, PredicateOp> = {
  Eq: 'eq',
  Lt: 'range',
  Gt: 'range',
  LtEq: 'range',
  GtEq: 'range',
  NotEq: 'neq',
  Spaceship: 'eq',
};
const FLIP: Record<string, string> = { Lt: 'Gt', Gt: 'Lt', LtEq: 'GtEq', GtEq: 'LtEq' };
const SYMBOL: Record<string, string> = { Eq: '=', Lt: '<', Gt: '>', LtEq: '<=', GtEq: '>=', NotEq: '<>' };

function identParts(n: Node): string[] | undefined {
  const id = obj(n.Identifier);
  if (id && 'value' in id) return [String(id.value)];
  if (Array.isArray(n.CompoundIdentifier)) return n.CompoundIdentifier.map((p) => String(obj(p)?.value ?? ''));
  return undefined;
}

function nameOf(name: unknown): string[] {
  return arr(name).map((p) => String(obj(obj(p)?.Identifier)?.value ?? obj(p)?.value ?? ''));
}

function valueText(v: Node): { raw: string; quoted: string } | undefined {
  const value = obj(v.value) ?? v;
  if ('SingleQuotedString' in value || 'DoubleQuotedString' in value) {
    const raw = String(value.SingleQuotedString ?? value.DoubleQuotedString);
    return { raw, quoted: `'${raw.replace(/'/g, "''")}'` };
  }
  if (Array.isArray(value.Number)) return { raw: String(value.Number[0]), quoted: String(value.Number[0]) };
  if ('Boolean' in value) return { raw: String(value.Boolean), quoted: String(value.Boolean) };
  return undefined;
}

class ShapeBuilder {
  readonly accesses: TableAccess[] = [];
  limit = false;
  isRead = true;
  params = 0;
  orFilters = 0;
  readonly cteNames = new Set<string>();

  constructor(
    /** Each `?` Value node -> its number in text order (the order substitution fills them). */
    private readonly placeholders: WeakMap<object, number>,
    private readonly quote: (name: string) => string,
    private readonly hasColumn?: (table: string, column: string) => boolean,
  ) {}

  statement(stmt: Node): void {
    if (stmt.Query) return this.query(obj(stmt.Query)!, undefined, true);
    const update = obj(stmt.Update);
    const del = obj(stmt.Delete);
    if (!update && !del)
      throw new ToolError(
        'INVALID_ARGUMENT',
        'propose_index reads SELECT, UPDATE and DELETE statements',
        'Pass the query whose speed matters.',
      );
    this.isRead = false;
    const scope: Scope = { byAlias: new Map() };
    if (update) this.fromItem(obj(update.table), scope);
    const from = obj(del?.from);
    for (const item of arr(from?.WithFromKeyword ?? from?.WithoutKeyword)) this.fromItem(obj(item), scope);
    for (const item of arr(del?.using)) this.fromItem(obj(item), scope);
    this.where((update ?? del)!.selection, scope);
  }

  query(q: Node, parent: Scope | undefined, top: boolean): void {
    for (const cte of arr(obj(q.with)?.cte_tables)) {
      const c = obj(cte);
      this.cteNames.add(String(obj(obj(c?.alias)?.name)?.value ?? '').toLowerCase());
      if (obj(c?.query)) this.query(obj(c!.query)!, parent, false);
    }
    if (top && obj(q.limit_clause)) this.limit = true;
    const order = arr(obj(obj(q.order_by)?.kind)?.Expressions);
    this.body(obj(q.body), parent, order, top);
  }

  body(body: Node | undefined, parent: Scope | undefined, order: unknown[], top: boolean): void {
    if (!body) return;
    const set = obj(body.SetOperation);
    if (set) {
      this.body(obj(set.left), parent, [], false);
      this.body(obj(set.right), parent, [], false);
      return;
    }
    if (obj(body.Query)) return this.query(obj(body.Query)!, parent, false);
    const s = obj(body.Select);
    if (!s) return;
    const scope: Scope = { byAlias: new Map(), ...(parent ? { parent } : {}) };
    for (const item of arr(s.from)) this.fromItem(obj(item), scope);
    this.where(s.selection, scope);
    this.sublinks(s.having, scope);
    const sorts = order.map((o) => ({ ...this.term(obj(o)?.expr, scope), desc: obj(obj(o)?.options)?.asc === false }));
    this.attach(sorts, (a, t) => (a.orderBy = t));
    const groups = arr(arr(obj(s.group_by)?.Expressions)[0]).map((g) => ({ ...this.term(g, scope), desc: false }));
    this.attach(groups, (a, t) => (a.groupBy = t.map((x) => x.term)));
    if (sorts.length === 0 && groups.length === 0) this.minMax(s.projection, scope, top);
    this.columnsIn([s.projection, order, s.group_by, s.having], scope);
    this.sublinks(s.projection, scope);
  }

  attach(
    terms: { access: TableAccess | undefined; term: KeyTerm | undefined; desc: boolean }[],
    set: (a: TableAccess, t: { term: KeyTerm; desc: boolean }[]) => void,
  ): void {
    const first = terms[0]?.access;
    if (!first || terms.some((t) => t.access !== first || !t.term)) return;
    set(first, terms as { term: KeyTerm; desc: boolean }[]);
  }

  minMax(projection: unknown, scope: Scope, top: boolean): void {
    const fns = arr(projection).map((p) => obj(obj(obj(p)?.UnnamedExpr ?? obj(obj(p)?.ExprWithAlias)?.expr)?.Function));
    if (fns.length === 0 || fns.some((f) => !f)) return;
    const terms = fns.map((f) => {
      const name = nameOf(f!.name).join('.');
      const args = arr(obj(obj(f!.args)?.List)?.args);
      const expr = obj(obj(args[0])?.Unnamed)?.Expr;
      return /^(min|max)$/i.test(name) && args.length === 1 && expr
        ? { ...this.term(expr, scope), desc: /^max$/i.test(name) }
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

  fromItem(item: Node | undefined, scope: Scope): void {
    if (!item) return;
    this.relation(obj(item.relation), scope);
    for (const j of arr(item.joins)) {
      const join = obj(j);
      this.relation(obj(join?.relation), scope);
      const op = obj(join?.join_operator) ?? {};
      const kind = Object.keys(op)[0] ?? '';
      this.where(obj(op[kind])?.On, scope, !/^(Join|Inner)$/.test(kind));
    }
  }

  relation(rel: Node | undefined, scope: Scope): void {
    if (!rel) return;
    const table = obj(rel.Table);
    if (table && !table.args) {
      const parts = nameOf(table.name);
      const name = parts.at(-1)!;
      const schema = parts.length > 1 ? parts.at(-2)! : undefined;
      if (!schema && this.cteNames.has(name.toLowerCase())) return;
      const alias = String(obj(obj(table.alias)?.name)?.value ?? name);
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
      scope.byAlias.set(alias.toLowerCase(), access);
      return;
    }
    const derived = obj(rel.Derived);
    if (derived && obj(derived.subquery))
      this.query(obj(derived.subquery)!, derived.lateral ? scope : scope.parent, false);
    const nested = obj(rel.NestedJoin);
    if (nested) this.fromItem(obj(nested.table_with_joins), scope);
  }

  resolve(parts: string[], scope: Scope): Ref {
    return resolveColumn(
      parts.at(-1)!,
      parts.length >= 2 ? parts.at(-2)!.toLowerCase() : undefined,
      scope,
      this.hasColumn,
    );
  }

  term(node: unknown, scope: Scope): { access: TableAccess | undefined; term: KeyTerm | undefined } {
    const n = unnest(obj(node));
    if (!n) return { access: undefined, term: undefined };
    const parts = identParts(n);
    if (parts) {
      const ref = this.resolve(parts, scope);
      return { access: ref.access, term: { column: ref.column, columns: [ref.column] } };
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
    const parts = identParts(n);
    if (parts) return void out.push(this.resolve(parts, scope));
    for (const [k, v] of Object.entries(n))
      if (k !== 'name' && k !== 'span' && v && typeof v === 'object') this.collectRefs(v, scope, out);
  }

  /** The dialect's text of an indexable expression over one column: f(col, constants), CAST(col AS t), col->>'path'. */
  expression(node: Node | undefined): string | undefined {
    const n = unnest(node);
    if (!n) return undefined;
    const parts = identParts(n);
    if (parts) return this.quote(parts.at(-1)!);
    if (obj(n.Value)) return valueText(obj(n.Value)!)?.quoted;
    const fn = obj(n.Function);
    if (fn) {
      const name = nameOf(fn.name).join('.');
      if (/^(now|rand|random|uuid|current_\w+|curdate|sysdate|count|sum|avg|min|max|group_concat)$/i.test(name))
        return undefined;
      const args = arr(obj(obj(fn.args)?.List)?.args).map((a) => this.expression(obj(obj(obj(a)?.Unnamed)?.Expr)));
      return args.length && args.every((a) => a !== undefined) ? `${name}(${args.join(', ')})` : undefined;
    }
    const cast = obj(n.Cast);
    if (cast && typeof cast.data_type === 'string') {
      const inner = this.expression(obj(cast.expr));
      return inner ? `CAST(${inner} AS ${cast.data_type.toUpperCase()})` : undefined;
    }
    const bin = obj(n.BinaryOp);
    if (bin && (bin.op === 'LongArrow' || bin.op === 'Arrow')) {
      const l = this.expression(obj(bin.left));
      const r = this.expression(obj(bin.right));
      return l && r ? `${l} ${bin.op === 'LongArrow' ? '->>' : '->'} ${r}` : undefined;
    }
    return undefined;
  }

  value(node: unknown): PredicateValue {
    const n = unnest(obj(node));
    const v = obj(n?.Value);
    if (v) {
      const value = obj(v.value) ?? v;
      if ('Placeholder' in value) return { param: this.placeholders.get(v) ?? ++this.params };
      const t = valueText(v);
      return t ? { literal: t.raw } : { expression: true };
    }
    return { expression: true };
  }

  isValueSide(node: unknown, scope: Scope): boolean {
    const refs: Ref[] = [];
    this.collectRefs(node, scope, refs);
    return refs.length === 0 && !JSON.stringify(node ?? null).includes('"subquery"');
  }

  where(node: unknown, scope: Scope, joinOnly = false): void {
    const n = unnest(obj(node));
    if (!n) return;
    const bin = obj(n.BinaryOp);
    if (bin?.op === 'And') {
      this.where(bin.left, scope, joinOnly);
      this.where(bin.right, scope, joinOnly);
      return;
    }
    this.sublinks(n, scope);
    if (bin?.op === 'Or') {
      this.orFilters++;
      return;
    }
    const json = jsonComparison(bin);
    if (json) return this.comparison(json, scope, joinOnly);
    if (bin && String(bin.op) in OPS) return this.comparison(bin, scope, joinOnly);
    if (joinOnly) return;
    const add = (target: unknown, p: Omit<Predicate, 'term'>) => {
      const { access, term } = this.term(target, scope);
      if (access && term) access.predicates.push({ term, ...p });
    };
    const label = (target: unknown, rest: string) => `${this.describe(target)} ${rest}`;
    if (n.IsNull) return add(n.IsNull, { op: 'is_null', values: [], text: label(n.IsNull, 'IS NULL') });
    if (n.IsNotNull) return add(n.IsNotNull, { op: 'not_null', values: [], text: label(n.IsNotNull, 'IS NOT NULL') });
    const between = obj(n.Between);
    if (between && !between.negated)
      return add(between.expr, {
        op: 'range',
        values: [this.value(between.low), this.value(between.high)],
        text: label(between.expr, 'BETWEEN ...'),
      });
    const list = obj(n.InList);
    if (list && !list.negated)
      return add(list.expr, {
        op: 'in',
        values: arr(list.list).map((v) => this.value(v)),
        text: label(list.expr, 'IN (...)'),
      });
    const like = obj(n.Like) ?? obj(n.ILike);
    if (like && !like.negated) {
      const v = this.value(like.pattern);
      const prefix = Boolean(n.Like) && 'literal' in v && /^[^%_]+/.test(v.literal);
      add(like.expr, {
        op: prefix ? 'prefix' : 'pattern',
        values: [v],
        text: label(like.expr, `LIKE ${'literal' in v ? `'${v.literal}'` : '?'}`),
      });
    }
  }

  describe(node: unknown): string {
    const n = unnest(obj(node));
    const parts = n ? identParts(n) : undefined;
    return parts ? parts.join('.') : (this.expression(n) ?? 'expression');
  }

  comparison(bin: Node, scope: Scope, joinOnly: boolean): void {
    const op = String(bin.op);
    const left = this.term(bin.left, scope);
    const right = this.term(bin.right, scope);
    if (left.access && right.access && left.access !== right.access && op === 'Eq') {
      for (const side of [left, right]) if (side.term?.column) side.access!.joinColumns.push(side.term.column);
      return;
    }
    if (joinOnly) return;
    const flipped =
      left.access && left.term && this.isValueSide(bin.right, scope)
        ? undefined
        : right.access && right.term && this.isValueSide(bin.left, scope)
          ? true
          : null;
    if (flipped === null) return;
    const side = flipped ? right : left;
    const valueNode = flipped ? bin.left : bin.right;
    const effective = flipped ? (FLIP[op] ?? op) : op;
    const value = this.value(valueNode);
    const shown = 'literal' in value ? `'${value.literal}'` : 'param' in value ? '?' : 'expression';
    side.access!.predicates.push({
      term: side.term!,
      op: OPS[effective] ?? 'neq',
      values: [value],
      text: `${this.describe(flipped ? bin.right : bin.left)} ${SYMBOL[effective] ?? '='} ${shown}`,
    });
  }

  sublinks(node: unknown, scope: Scope): void {
    const visit = (v: unknown): void => {
      if (!v || typeof v !== 'object') return;
      if (Array.isArray(v)) return v.forEach(visit);
      const n = v as Node;
      const exists = obj(n.Exists);
      const inSub = obj(n.InSubquery);
      const sub = obj(n.Subquery);
      if (exists || inSub || sub) {
        const q = obj(exists?.subquery ?? inSub?.subquery) ?? sub;
        if (q) this.query(q, scope, false);
        if (inSub) {
          const { access, term } = this.term(inSub.expr, scope);
          if (access && term?.column) access.joinColumns.push(term.column);
        }
        return;
      }
      for (const [k, x] of Object.entries(n)) if (k !== 'span') visit(x);
    };
    visit(node);
  }

  columnsIn(node: unknown, scope: Scope): void {
    const visit = (v: unknown, key: string): void => {
      if (!v || typeof v !== 'object') return;
      if (Array.isArray(v)) return v.forEach((x) => visit(x, key));
      const n = v as Node;
      if (n.Exists || n.InSubquery || n.Subquery) return;
      if (n.Wildcard) {
        for (const a of scope.byAlias.values()) a.referenced = null;
        return;
      }
      if (n.QualifiedWildcard) {
        const alias = JSON.stringify(n.QualifiedWildcard)
          .match(/"value":"([^"]+)"/)?.[1]
          ?.toLowerCase();
        const a = alias ? scope.byAlias.get(alias) : undefined;
        if (a) a.referenced = null;
        return;
      }
      const parts = key === 'name' ? undefined : identParts(n);
      if (parts) {
        const ref = this.resolve(parts, scope);
        if (ref.access?.referenced && !ref.access.referenced.includes(ref.column))
          ref.access.referenced.push(ref.column);
        return;
      }
      for (const [k, x] of Object.entries(n)) if (k !== 'span') visit(x, k);
    };
    visit(node, '');
  }
}

/**
 * sqlparser-rs binds `->>` looser than `=`: `doc->>'k' = 'v'` arrives as doc ->> ('k' = 'v').
 * Regrouped here as (doc->>'k') = 'v'.
 */
function jsonComparison(bin: Node | undefined): Node | undefined {
  if (!bin || (bin.op !== 'LongArrow' && bin.op !== 'Arrow')) return undefined;
  const inner = obj(obj(bin.right)?.BinaryOp);
  if (!inner || !(String(inner.op) in OPS) || !obj(obj(inner.left)?.Value)) return undefined;
  return { left: { BinaryOp: { left: bin.left, op: bin.op, right: inner.left } }, op: inner.op, right: inner.right };
}

/** Placeholders numbered by their position in the text (line, column of their span). */
function numberPlaceholders(root: unknown): WeakMap<object, number> {
  const found: { node: object; line: number; column: number }[] = [];
  const visit = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(visit);
    const n = v as Node;
    const value = obj(n.value);
    if (value && 'Placeholder' in value) {
      const start = obj(obj(n.span)?.start);
      found.push({ node: n, line: Number(start?.line ?? 0), column: Number(start?.column ?? 0) });
    }
    for (const x of Object.values(n)) visit(x);
  };
  visit(root);
  found.sort((a, b) => a.line - b.line || a.column - b.column);
  const out = new WeakMap<object, number>();
  found.forEach((f, i) => out.set(f.node, i + 1));
  return out;
}

function countPlaceholders(root: unknown): number {
  return (JSON.stringify(root ?? null).match(/"Placeholder"/g) ?? []).length;
}

function unnest(n: Node | undefined): Node | undefined {
  let cur = n;
  while (cur && obj(cur.Nested)) cur = obj(cur.Nested);
  return cur;
}

/** `quote` writes a column name in the dialect (MySQL backticks, SQLite double quotes) when it needs quoting. */
export async function sqlparserQueryShape(
  sql: string,
  dialect: SqlparserDialect,
  quote: (name: string) => string,
  hasColumn?: (table: string, column: string) => boolean,
): Promise<QueryShape> {
  let statements: unknown[];
  try {
    statements = (await parseSqlparser(sql, dialect)).statements;
  } catch (err) {
    throw new ToolError(
      'SQL_SYNTAX',
      `the ${dialect === 'mysql' ? 'MySQL' : 'SQLite'} parser could not read the query: ${(err as Error).message}`,
      "Pass one valid statement in the source's dialect.",
    );
  }
  if (statements.length !== 1)
    throw new ToolError(
      'INVALID_ARGUMENT',
      `expected one statement, got ${statements.length}`,
      'Pass each query on its own (queries: [...]).',
    );
  const b = new ShapeBuilder(numberPlaceholders(statements[0]), quote, hasColumn);
  b.statement(obj(statements[0]) ?? {});
  b.params = (sql.match(/\?/g) ?? []).length ? Math.max(b.params, countPlaceholders(statements[0])) : b.params;
  for (const a of b.accesses) a.joinColumns = [...new Set(a.joinColumns)];
  return { accesses: b.accesses, limit: b.limit, isRead: b.isRead, params: b.params, orFilters: b.orFilters };
}
