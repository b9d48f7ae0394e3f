/**
 * Which functions and operators in a statement may run in a read, decided from the catalog as
 * PostgreSQL resolves the name (the schema written, or every schema on the search path including
 * pg_catalog), never from the name alone: a user function or operator may shadow a built-in's name.
 * Allowed only when every candidate the name can resolve to is
 *   - a built-in (pg_catalog): on the curated pure list, or STABLE/IMMUTABLE and not one that
 *     reads a table or runs a query named by its argument (table_to_xml, query_to_xml, ts_stat, ...),
 *   - a STABLE/IMMUTABLE member of a curated extension (pg_trgm, citext, PostGIS, ...),
 *   - or named by the source's allow_functions (schema.name).
 * Anything else, user-defined code included whatever its volatility label says (a STABLE function
 * may PERFORM a volatile one), or a name the catalog does not know, is refused. Verdicts are cached
 * for a minute per name.
 */
import type { PgDriver } from './driver.js';
import { CURATED_EXTENSIONS, DENIED_FUNCTIONS, PURE_FUNCTIONS, SYNTAX_OPERATORS } from './function-lists.js';

const CACHE_MS = 60_000;

/** Every candidate of each function name, as the name resolves: its schema, extension and volatility. */
const FUNCTIONS_SQL = `
  WITH f AS (
    SELECT name, CASE WHEN strpos(name, '.') > 0 THEN split_part(name, '.', 1) END AS schema,
           regexp_replace(name, '^.*\\.', '') AS proname
    FROM unnest($1::text[]) AS name
    WHERE array_length(string_to_array(name, '.'), 1) <= 2)
  SELECT f.name, n.nspname AS schema, p.proname, p.provolatile AS volatility, e.extname AS extension
  FROM f JOIN pg_proc p ON p.proname = f.proname
  JOIN pg_namespace n ON n.oid = p.pronamespace
   AND CASE WHEN f.schema IS NULL THEN n.nspname = ANY (current_schemas(true)) ELSE n.nspname = f.schema END
  LEFT JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  LEFT JOIN pg_extension e ON e.oid = d.refobjid`;

/** Every candidate of each operator name, as it resolves; the function it calls is judged like a call. */
const OPERATORS_SQL = `
  WITH o AS (
    SELECT name, CASE WHEN strpos(name, '.') > 0 THEN split_part(name, '.', 1) END AS schema,
           regexp_replace(name, '^[^.]*\\.', '') AS oprname
    FROM unnest($1::text[]) AS name)
  SELECT o.name, n.nspname AS schema, fn.nspname AS function_schema, p.proname, p.provolatile AS volatility,
         e.extname AS extension
  FROM o JOIN pg_operator op ON op.oprname = o.oprname
  JOIN pg_namespace n ON n.oid = op.oprnamespace
   AND CASE WHEN o.schema IS NULL THEN n.nspname = ANY (current_schemas(true)) ELSE n.nspname = o.schema END
  JOIN pg_proc p ON p.oid = op.oprcode
  JOIN pg_namespace fn ON fn.oid = p.pronamespace
  LEFT JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  LEFT JOIN pg_extension e ON e.oid = d.refobjid`;

/** Functions `t.f` / `(t).f` may call: named f, one argument of a row, record or polymorphic type, on the search path. */
const NOTATION_SQL = `
  SELECT 'notation:' || p.proname AS name, n.nspname AS schema, p.proname, p.provolatile AS volatility,
         e.extname AS extension
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = ANY (current_schemas(true))
  JOIN pg_type t ON t.oid = p.proargtypes[0] AND (t.typrelid <> 0 OR t.typtype = 'p')
  LEFT JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  LEFT JOIN pg_extension e ON e.oid = d.refobjid
  WHERE p.pronargs = 1 AND p.proname = ANY ($1::text[])`;

interface Candidate {
  name: string;
  schema: string;
  function_schema?: string;
  proname: string;
  volatility: string;
  extension: string | null;
}

export interface FunctionVerdicts {
  denied: string[];
}

interface Verdict {
  safe: boolean;
  until: number;
}

export class FunctionJudge {
  readonly #cache = new Map<string, Verdict>();
  readonly #allowed: ReadonlySet<string>;

  constructor(
    private readonly driver: PgDriver,
    allowFunctions: readonly string[] = [],
  ) {
    this.#allowed = new Set(allowFunctions.map((n) => n.toLowerCase()));
  }

  async judge(functions: readonly string[], signal?: AbortSignal): Promise<FunctionVerdicts> {
    const now = Date.now();
    const unknown = functions.filter((n) => (this.#cache.get(n)?.until ?? 0) < now);
    for (const n of unknown) {
      if (SYNTAX_OPERATORS.has(n)) this.#cache.set(n, { safe: true, until: Infinity });
      else if (n.startsWith('unresolvable:')) this.#cache.set(n, { safe: false, until: Infinity });
    }
    const ask = unknown.filter((n) => !SYNTAX_OPERATORS.has(n) && !n.startsWith('unresolvable:'));
    if (ask.length) await this.#fromCatalog(ask, now, signal);
    return { denied: functions.filter((n) => this.#cache.get(n)?.safe !== true) };
  }

  async #fromCatalog(names: string[], now: number, signal: AbortSignal | undefined): Promise<void> {
    const calls = names.filter((n) => !n.startsWith('operator:') && !n.startsWith('notation:'));
    const operators = names.filter((n) => n.startsWith('operator:')).map((n) => n.slice('operator:'.length));
    const notations = names.filter((n) => n.startsWith('notation:')).map((n) => n.slice('notation:'.length));
    const [fns, ops, viaNotation] = await Promise.all([
      calls.length ? this.driver.catalog<Candidate>(FUNCTIONS_SQL, [calls], signal) : [],
      operators.length ? this.driver.catalog<Candidate>(OPERATORS_SQL, [operators], signal) : [],
      notations.length ? this.driver.catalog<Candidate>(NOTATION_SQL, [notations], signal) : [],
    ]);
    // every candidate under the name it was asked by ('operator:=' and 'notation:f' included)
    const byName = new Map<string, Candidate[]>();
    for (const c of [...fns, ...ops.map((o) => ({ ...o, name: `operator:${o.name}` })), ...viaNotation])
      byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
    for (const name of names) {
      const candidates = byName.get(name) ?? [];
      // t.f is most often a plain column: nothing is called unless a function of that name takes a row
      const resolved = candidates.length > 0 || name.startsWith('notation:');
      this.#cache.set(name, { safe: resolved && candidates.every((c) => this.#allows(c)), until: now + CACHE_MS });
    }
  }

  /** One candidate: a function, or an operator (in c.schema) and the function it calls (in c.function_schema). */
  #allows(c: Candidate): boolean {
    const functionSchema = c.function_schema ?? c.schema;
    if (this.#allowed.has(`${functionSchema}.${c.proname}`.toLowerCase())) return true;
    if (DENIED_FUNCTIONS.has(c.proname)) return false;
    const labelledPure = c.volatility === 'i' || c.volatility === 's';
    if (c.schema === 'pg_catalog' && functionSchema === 'pg_catalog')
      return PURE_FUNCTIONS.has(c.proname) || labelledPure;
    // an extension's function: only from the curated list, and only as labelled pure
    return c.extension !== null && CURATED_EXTENSIONS.has(c.extension) && labelledPure;
  }
}
