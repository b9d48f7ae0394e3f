/**
 * Classifies one PostgreSQL statement from libpg-query's AST. A read is a SELECT/VALUES/TABLE,
 * SHOW, or EXPLAIN (with ANALYZE only of a read) that holds no data-modifying CTE or subquery, no
 * SELECT INTO and no locking clause. Functions and operators are collected wherever they appear,
 * after the parser has resolved quoting and Unicode escapes, for the engine to judge.
 */
import type { ParseResult } from '@pgsql/types';
import {
  unparseable,
  type Classification,
  type StatementClass,
  type TableName,
} from '../../../../core/classification.js';
import { walk } from './walk.js';
import { parsePostgres } from './parser.js';
import { Lru } from '../../../../core/lru.js';
import { classOfStatement, WRITE_NODES } from './statement-kinds.js';

type Node = Record<string, unknown>;

interface Findings {
  functions: Set<string>;
  columnRefs: Set<string>;
  /** Tables a statement writes (INSERT/UPDATE/DELETE targets): never a CTE. */
  targets: TableName[];
  /** Statistics views read (and their aliases), and whether `*` or a single-name reference appears. */
  statsNames: Set<string>;
  statistics: Set<string>;
  star: boolean;
  singleRefs: Set<string>;
  /** Names and aliases of the relations read, and whether a row is passed to a function whole (f(t.*)). */
  relNames: Set<string>;
  starArgs: boolean;
  tables: TableName[];
  cteNames: Set<string>;
  problems: { cls: StatementClass; reason: string }[];
}

const names = (list: unknown): string[] =>
  Array.isArray(list) ? list.map((n) => (n as { String?: { sval?: string } }).String?.sval ?? '').filter(Boolean) : [];

type OptionArg =
  { String?: { sval?: string }; Integer?: { ival?: number }; Boolean?: { boolval?: boolean } } | undefined;

/** `ANALYZE false|off|no|0` switches it off; any other spelling (or none) means it runs. */
function isOff(arg: OptionArg): boolean {
  if (arg?.String) return ['false', 'off', 'no', '0'].includes((arg.String.sval ?? '').toLowerCase());
  if (arg?.Integer) return (arg.Integer.ival ?? 0) === 0;
  if (arg?.Boolean) return arg.Boolean.boolval !== true;
  return false;
}

function isAnalyze(explain: Node): boolean {
  const options = (explain.options as { DefElem?: { defname?: string; arg?: OptionArg } }[] | undefined) ?? [];
  return options.some(({ DefElem: d }) => d?.defname === 'analyze' && !isOff(d.arg));
}

/** Collects what a statement calls and reads; with `judgeWrites`, also what makes it more than a read. */
function inspect(root: unknown, findings: Findings, judgeWrites: boolean): void {
  walk(root, (key, node) => {
    if (key === 'FuncCall') {
      if (JSON.stringify(node.args ?? []).includes('"A_Star"')) findings.starArgs = true;
      const parts = names(node.funcname);
      // a quoted part holding a dot ("pg_catalog.abs") would read as another name once joined
      findings.functions.add(
        parts.some((p) => p.includes('.')) ? `unresolvable:${parts.map((p) => `"${p}"`).join('.')}` : parts.join('.'),
      );
    } else if (key === 'ColumnRef' || key === 'A_Indirection') {
      const fields = names(key === 'ColumnRef' ? node.fields : node.indirection);
      const column = fields.at(-1);
      const raw = (key === 'ColumnRef' ? node.fields : node.indirection) as unknown[] | undefined;
      if (raw?.some((f) => typeof f === 'object' && f !== null && 'A_Star' in f)) findings.star = true;
      if (key === 'ColumnRef' && fields.length === 1 && raw?.length === 1)
        findings.singleRefs.add(fields[0]!.toLowerCase());
      if (column) findings.columnRefs.add(column.toLowerCase());
      // t.f and (t).f call f(t) when t has no column f: functional notation, judged as a possible call
      if (column && (key === 'A_Indirection' || fields.length > 1)) findings.functions.add(`notation:${column}`);
    } else if (key === 'A_Expr' || key === 'SubLink') {
      // an operator, also the one of x op ANY/ALL (SELECT ...)
      const op = names(key === 'A_Expr' ? node.name : node.operName).join('.');
      if (op) findings.functions.add(`operator:${op}`);
    } else if (key === 'RangeVar' || (key === 'relation' && typeof node.relname === 'string')) {
      // a FROM item is a wrapped { RangeVar }; the target of INSERT/UPDATE/DELETE/ALTER/CREATE INDEX is a bare one under `relation`
      const table = { ...(node.schemaname ? { schema: String(node.schemaname) } : {}), name: String(node.relname) };
      findings.relNames.add(table.name.toLowerCase());
      const relAlias = (node.alias as { aliasname?: string } | undefined)?.aliasname;
      if (relAlias) findings.relNames.add(relAlias.toLowerCase());
      if (table.schema === undefined || table.schema === 'pg_catalog') {
        if (RAW_STATISTICS.has(table.name)) findings.statistics.add(table.name);
        if (STATISTICS_VIEWS.has(table.name)) {
          findings.statsNames.add(table.name);
          const alias = (node.alias as { aliasname?: string } | undefined)?.aliasname;
          if (alias) findings.statsNames.add(alias.toLowerCase());
        }
      }
      // the target of INSERT/UPDATE/DELETE is always a real table, whatever CTE shares its name
      if (key === 'relation') findings.targets.push(table);
      else findings.tables.push(table);
    } else if (key === 'CommonTableExpr') findings.cteNames.add(String(node.ctename));
    if (!judgeWrites) return;
    if (WRITE_NODES.has(key))
      findings.problems.push({
        cls: 'write',
        reason: `a data-modifying ${key.replace('Stmt', '').toUpperCase()} inside the statement`,
      });
    else if (key === 'LockingClause')
      findings.problems.push({ cls: 'write', reason: 'a locking clause (FOR UPDATE / FOR SHARE) locks rows' });
    else if (key === 'SelectStmt' && node.intoClause)
      findings.problems.push({ cls: 'ddl', reason: 'SELECT INTO creates a table' });
  });
}

function classifyStatement(stmt: Node): { type: string; findings: Findings } {
  const [type, body] = Object.entries(stmt)[0] ?? ['unknown', {}];
  const findings: Findings = {
    functions: new Set(),
    columnRefs: new Set(),
    targets: [],
    statsNames: new Set(),
    statistics: new Set(),
    star: false,
    singleRefs: new Set(),
    relNames: new Set(),
    starArgs: false,
    tables: [],
    cteNames: new Set(),
    problems: [],
  };
  const cls = classOfStatement(type);
  if (cls !== 'read') findings.problems.push({ cls, reason: `${type} is not a read` });
  if (type === 'ExplainStmt') {
    const analyze = isAnalyze(body as Node);
    inspect((body as Node).query, findings, analyze);
    if (analyze && findings.problems.length)
      findings.problems.unshift({ cls: 'write', reason: 'EXPLAIN ANALYZE executes the statement' });
  } else inspect(stmt, findings, true); // from the wrapper, so the root node itself is visited
  return { type, findings };
}

/** Statistics that hold sample values of columns: raw catalogs (always), views (through their value columns). */
const RAW_STATISTICS = new Set(['pg_statistic', 'pg_statistic_ext_data']);
const STATISTICS_VIEWS = new Set(['pg_stats', 'pg_stats_ext', 'pg_stats_ext_exprs']);
const VALUE_COLUMNS = new Set(['most_common_vals', 'histogram_bounds', 'most_common_elems', 'most_common_val_nulls']);

/** The statistics whose sample values the statement reads: `*`, a value column, or a whole-row reference. */
function statisticsRead(f: Findings): string[] {
  const views = [...f.statsNames].filter((n) => STATISTICS_VIEWS.has(n));
  const values =
    f.star || [...f.columnRefs].some((c) => VALUE_COLUMNS.has(c)) || [...f.singleRefs].some((r) => f.statsNames.has(r));
  return [...f.statistics, ...(values ? views : [])];
}

export function classifyPostgresAst(ast: ParseResult): Classification {
  const stmts = ast.stmts ?? [];
  if (stmts.length !== 1) {
    const reason =
      stmts.length === 0
        ? 'no statement in the text'
        : `${stmts.length} statements in the text; exactly one is allowed`;
    return { ...unparseable(reason), reasons: [reason], statementCount: stmts.length };
  }
  const { type, findings } = classifyStatement((stmts[0]!.stmt ?? {}) as Node);
  const tables = [
    ...findings.targets,
    ...findings.tables.filter((t) => t.schema !== undefined || !findings.cteNames.has(t.name)),
  ];
  const first = findings.problems[0];
  return {
    class: first ? first.cls : 'read',
    reasons: findings.problems.map((p) => p.reason),
    statementType: type,
    statementCount: 1,
    functions: [...findings.functions].filter(Boolean),
    tables,
    deniedFunctions: [],
    sessionNeutral: false,
    ...(findings.starArgs || [...findings.singleRefs].some((r) => findings.relNames.has(r)) ? { wholeRows: true } : {}),
    ...(statisticsRead(findings).length ? { statistics: statisticsRead(findings) } : {}),
    columnRefs: [...findings.columnRefs],
    ...(type === 'SelectStmt' ? outputRefsOf((stmts[0]!.stmt as { SelectStmt: Node }).SelectStmt) : {}),
  };
}

/** Column names referenced by each select-list item, when the list lines up with the result (no *, no set operation). */
function outputRefsOf(select: Node): { outputRefs?: string[][] } {
  const targets = select.targetList as { ResTarget?: { val?: unknown } }[] | undefined;
  if (!targets || select.op !== 'SETOP_NONE' || JSON.stringify(targets).includes('"A_Star"')) return {};
  // columns of a derived table, a CTE or a function in FROM cannot be followed by name
  if (
    select.withClause ||
    /"(RangeSubselect|RangeFunction|RangeTableFunc)"/.test(JSON.stringify(select.fromClause ?? []))
  )
    return {};
  return {
    outputRefs: targets.map((t) => {
      const refs = new Set<string>();
      walk(t.ResTarget?.val, (key, node) => {
        const column = key === 'ColumnRef' ? names(node.fields).at(-1) : undefined;
        if (column) refs.add(column.toLowerCase());
      });
      return [...refs];
    }),
  };
}

/**
 * The parser's verdict is a pure function of the text (functions are judged later, against the
 * catalog), and agents re-run the same parametrized text: verdicts for texts up to 8 kB are kept.
 */
const verdicts = new Lru<Classification>(500);
const CACHEABLE_CHARS = 8192;

export async function classifyPostgres(sql: string): Promise<Classification> {
  const known = sql.length <= CACHEABLE_CHARS ? verdicts.get(sql) : undefined;
  if (known) return known;
  const fresh = await classifyUncached(sql);
  if (sql.length <= CACHEABLE_CHARS) verdicts.set(sql, freeze(fresh));
  return fresh;
}

/** Cached verdicts are shared: nothing may change them. */
function freeze(c: Classification): Classification {
  for (const value of Object.values(c)) if (value && typeof value === 'object') Object.freeze(value);
  return Object.freeze(c);
}

async function classifyUncached(sql: string): Promise<Classification> {
  let ast: ParseResult;
  try {
    ast = await parsePostgres(sql);
  } catch (err) {
    return unparseable((err as Error).message);
  }
  return classifyPostgresAst(ast);
}
