/**
 * Classifies one MySQL/MariaDB statement with sqlparser-rs. Refused before parsing: executable
 * comments (slash-star-bang and slash-star-M-bang: the server runs what a parser skips). A read is a SELECT/WITH (whose
 * body is a read all the way down), SHOW, DESCRIBE or EXPLAIN of a read, with no INTO, no locking
 * clause and no := assignment. MariaDB's `ANALYZE [FORMAT=JSON] <select>` runs the select: it is
 * classified as that select. Functions are returned for the engine to judge.
 */
import {
  unparseable,
  type Classification,
  type StatementClass,
  type TableName,
} from '../../../../core/classification.js';
import { collect, nameParts, type FunctionCall } from '../../../kit/sqlparser/collect.js';
import { parseSqlparser, type Parsed } from '../../../kit/sqlparser/parser.js';
import { metadataRead } from './metadata-reads.js';
import { showWords, underEachSchema } from './show-words.js';
import { Lru } from '../../../../core/lru.js';

const EXECUTABLE_COMMENT = /\/\*M?!/;
/**
 * Unicode white space (U+00A0, U+2028, ...): sqlparser-rs reads it as a space, the server as part
 * of a name, so `-- <U+00A0>` starts a comment for one and not the other. Never needed in SQL.
 */
const UNICODE_SPACE = /[\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const MARIADB_ANALYZE = /^\s*ANALYZE\s+(?:FORMAT\s*=\s*JSON\s+)?(?=(?:SELECT|WITH)\b|\()/i;
/** EXPLAIN EXTENDED / PARTITIONS (old spellings) plan the statement like EXPLAIN; the word is peeled off. */
const EXPLAIN_EXTENDED = /^(\s*EXPLAIN)\s+(?:EXTENDED|PARTITIONS)(?=\s+(?:SELECT|WITH)\b)/i;
/** sqlparser-rs lacks GROUP BY ... WITH ROLLUP; the two words hold no quote, comment or separator, so removing them hides nothing. */
const ROLLUP = /\bWITH\s+ROLLUP\b/gi;
/** Nor MariaDB's LIMIT ... ROWS EXAMINED n: two words and a number, removed the same way. */
const ROWS_EXAMINED = /\bROWS\s+EXAMINED\s+\d+\b/gi;

const SHOW = /^\s*SHOW\b/i;
const READ_BODIES = new Set(['Select', 'Query', 'SetOperation', 'Values', 'Table']);
const WRITES = new Set(['Insert', 'Update', 'Delete', 'Merge', 'LoadData', 'Copy']);
const DDL = /^(Create|Drop|Alter|Truncate|RenameTable|Comment|Undrop)/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface MysqlClassification extends Classification {
  calls: FunctionCall[];
}

function refuse(reason: string, count = 1): MysqlClassification {
  return { ...unparseable(reason), reasons: [reason], statementCount: count, calls: [] };
}

function bodyIsRead(body: unknown): boolean {
  if (!isObj(body)) return false;
  const kind = Object.keys(body)[0]!;
  if (!READ_BODIES.has(kind)) return false;
  if (kind === 'Query') return bodyIsRead((body.Query as Obj).body);
  if (kind === 'SetOperation')
    return bodyIsRead((body.SetOperation as Obj).left) && bodyIsRead((body.SetOperation as Obj).right);
  return true;
}

function statementClass(stmt: unknown): { cls: StatementClass; type: string; reasons: string[] } {
  const [type, body] =
    typeof stmt === 'string'
      ? [stmt, {} as Obj]
      : isObj(stmt)
        ? [Object.keys(stmt)[0]!, (stmt[Object.keys(stmt)[0]!] ?? {}) as Obj]
        : ['unknown', {} as Obj];
  if (type === 'Query')
    return bodyIsRead(body.body)
      ? { cls: 'read', type, reasons: [] }
      : { cls: 'write', type, reasons: ['a data-modifying statement inside WITH'] };
  if (type.startsWith('Show') || type === 'ExplainTable') return { cls: 'read', type, reasons: [] };
  if (type === 'Explain') {
    const inner = statementClass(body.statement);
    return inner.cls === 'read'
      ? { cls: 'read', type, reasons: [] }
      : { cls: inner.cls, type, reasons: [`EXPLAIN of ${inner.type}`, ...inner.reasons] };
  }
  if (WRITES.has(type)) return { cls: 'write', type, reasons: [`${type} is not a read`] };
  if (DDL.test(type)) return { cls: 'ddl', type, reasons: [`${type} is not a read`] };
  return { cls: 'admin', type, reasons: [`${type} is not a read`] };
}

/** Column names referenced by each projection item of a plain SELECT (no wildcard, no set operation). */
function outputRefsOf(stmt: unknown): { outputRefs?: string[][] } {
  const body = isObj(stmt) && isObj(stmt.Query) ? stmt.Query.body : undefined;
  const select = isObj(body) && isObj(body.Select) ? body.Select : undefined;
  const projection = select?.projection;
  if (
    !Array.isArray(projection) ||
    projection.some((p) => p === 'Wildcard' || (isObj(p) && ('Wildcard' in p || 'QualifiedWildcard' in p)))
  )
    return {};
  // columns of a derived table or a CTE cannot be followed by name
  if ((isObj(stmt) && isObj(stmt.Query) && stmt.Query.with) || /"Derived"/.test(JSON.stringify(select?.from ?? [])))
    return {};
  return { outputRefs: projection.map((item) => [...collect(item).columnRefs]) };
}

/**
 * A SHOW the parser read as a bare word list (see show-words.ts): the text must be words only, and
 * a WHERE condition is judged as the condition of a SELECT: its functions, subqueries and tables.
 */
async function classifyShowWords(sql: string, variant: string): Promise<MysqlClassification> {
  const show = showWords(sql);
  if (!show.ok) return refuse(show.reason);
  const read: MysqlClassification = {
    class: 'read',
    reasons: [],
    statementType: 'ShowVariable',
    statementCount: 1,
    functions: [],
    calls: [],
    tables: show.tables,
    deniedFunctions: [],
    sessionNeutral: false,
  };
  if (show.where === undefined) return read;
  const condition = await classifyMysql(`SELECT 1 WHERE ${show.where}`, variant);
  if (condition.class === 'unknown' || condition.statementCount !== 1)
    return refuse(`the WHERE of this SHOW: ${condition.reasons.join('; ')}`, condition.statementCount);
  if (condition.class !== 'read')
    return {
      ...condition,
      statementType: 'ShowVariable',
      reasons: condition.reasons.map((r) => `the WHERE of this SHOW: ${r}`),
    };
  return {
    ...read,
    functions: condition.functions,
    calls: condition.calls,
    tables: [...show.tables, ...condition.tables],
    columnRefs: condition.columnRefs,
  };
}

/**
 * SHOW COLUMNS FROM t and SHOW CREATE TABLE|VIEW t name table t: deny_tables keeps its columns and
 * definition out of reach too. `FROM db.t FROM other` comes as [other, db, t]: every database
 * written is reported, so a deny list matches whichever the server takes.
 */
function shownTable(stmt: unknown): TableName[] {
  const show = isObj(stmt) ? stmt : {};
  const columns =
    isObj(show.ShowColumns) && isObj(show.ShowColumns.show_options) && isObj(show.ShowColumns.show_options.show_in)
      ? show.ShowColumns.show_options.show_in.parent_name
      : undefined;
  const created =
    isObj(show.ShowCreate) && (show.ShowCreate.obj_type === 'Table' || show.ShowCreate.obj_type === 'View')
      ? show.ShowCreate.obj_name
      : undefined;
  const name = columns ?? created;
  if (!Array.isArray(name) || name.length === 0) return [];
  const parts = nameParts(name);
  return underEachSchema(parts.at(-1)!, parts.slice(0, -1));
}

async function parse(sql: string): Promise<Parsed> {
  try {
    return await parseSqlparser(sql);
  } catch (err) {
    const simplified = sql.replace(ROLLUP, ' ').replace(ROWS_EXAMINED, ' ');
    if (simplified === sql) throw err;
    return parseSqlparser(simplified);
  }
}

/**
 * The parse costs about 0.1 ms; its verdict is a pure function of the text, and agents re-run the
 * same parametrized text, so verdicts for texts up to 8 kB are kept (500 of them).
 */
const verdicts = new Lru<MysqlClassification>(500);
const CACHEABLE_CHARS = 8192;

export async function classifyMysql(sql: string, variant: string): Promise<MysqlClassification> {
  const key = `${variant}\u0000${sql}`;
  const known = sql.length <= CACHEABLE_CHARS ? verdicts.get(key) : undefined;
  if (known) return known;
  const fresh = await classifyUncached(sql, variant);
  if (sql.length <= CACHEABLE_CHARS) verdicts.set(key, freeze(fresh));
  return fresh;
}

/** Cached verdicts are shared: nothing may change them. */
function freeze(c: MysqlClassification): MysqlClassification {
  for (const value of Object.values(c)) if (value && typeof value === 'object') Object.freeze(value);
  return Object.freeze(c);
}

async function classifyUncached(sql: string, variant: string): Promise<MysqlClassification> {
  if (EXECUTABLE_COMMENT.test(sql))
    return refuse('an executable comment (/*! ... */ or /*M! ... */): the server runs what it holds');
  if (UNICODE_SPACE.test(sql))
    return refuse(
      'a Unicode space character (such as U+00A0): the server reads it as part of a name where the parser sees a space; use a plain space, or CHAR(160) inside a value',
    );
  const analyze = variant === 'mariadb' ? MARIADB_ANALYZE.exec(sql) : null;
  if (analyze) return classifyMysql(sql.slice(analyze[0].length), variant);
  if (EXPLAIN_EXTENDED.test(sql)) return classifyMysql(sql.replace(EXPLAIN_EXTENDED, '$1'), variant);
  const metadata = metadataRead(sql);
  if (metadata)
    return {
      ...refuse(''),
      class: 'read',
      reasons: [],
      statementType: metadata.type,
      tables: metadata.tables,
      sessionNeutral: false,
    };
  let parsed: Parsed;
  try {
    parsed = await parse(sql);
  } catch (err) {
    // SHOW ... WHERE <condition> forms the parser lacks: read by the same strict word grammar
    if (SHOW.test(sql)) {
      const show = await classifyShowWords(sql, variant);
      if (show.class !== 'unknown') return show;
    }
    return refuse(`unparseable: ${(err as Error).message}`);
  }
  if (parsed.comments.some((c) => /^M?!/.test(c.content))) return refuse('an executable comment');
  if (parsed.statements.length !== 1)
    return refuse(
      parsed.statements.length === 0
        ? 'no statement in the text'
        : `${parsed.statements.length} statements in the text; exactly one is allowed`,
      parsed.statements.length,
    );
  const stmt = parsed.statements[0];
  const { cls, type, reasons } = statementClass(stmt);
  if (type === 'ShowVariable') return classifyShowWords(sql, variant);
  const facts = collect(stmt);
  const problems = cls === 'read' ? facts.problems : [];
  const tables = [
    ...facts.tables, // CTE references were left out where their CTE is in scope (kit/sqlparser/collect.ts)
    ...shownTable(stmt),
  ];
  return {
    class: problems.length ? 'write' : cls,
    reasons: [...reasons, ...problems],
    statementType: type,
    statementCount: 1,
    functions: [...new Set(facts.functions.map((f) => (f.schema ? `${f.schema}.${f.name}` : f.name)))],
    calls: facts.functions,
    tables,
    columnRefs: [...facts.columnRefs],
    ...outputRefsOf(stmt),
    deniedFunctions: [],
    sessionNeutral: false,
  };
}
