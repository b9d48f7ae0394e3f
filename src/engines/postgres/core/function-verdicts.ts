/**
 * Which functions in a statement are safe to run in a read: the built-in lists first, then the
 * catalog (pg_proc volatility) for the rest, cached for a minute. Fail closed: a function the
 * catalog does not know, or one with any VOLATILE overload, is refused.
 */
import type { PgDriver } from './driver.js';
import { bareBuiltin, DENIED_FUNCTIONS, PURE_FUNCTIONS, PURE_OPERATORS } from './function-lists.js';

const CACHE_MS = 60_000;

/** Every overload of each name, in its schema or (unqualified) on the search path: safe only if all are STABLE or IMMUTABLE. */
const CATALOG_SQL = `
  WITH f AS (
    SELECT name, CASE WHEN strpos(name, '.') > 0 THEN split_part(name, '.', 1) END AS schema, regexp_replace(name, '^.*\\.', '') AS proname
    FROM unnest($1::text[]) AS name)
  SELECT f.name, bool_and(p.provolatile IN ('i', 's')) AS safe
  FROM f JOIN pg_proc p ON p.proname = f.proname
  JOIN pg_namespace n ON n.oid = p.pronamespace
   AND CASE WHEN f.schema IS NULL THEN n.nspname = ANY (current_schemas(true)) ELSE n.nspname = f.schema END
  GROUP BY f.name`;

export interface FunctionVerdicts {
  denied: string[];
  /** Every function is a known pure built-in: nothing can have touched the session. */
  allBuiltin: boolean;
}

export class FunctionJudge {
  readonly #cache = new Map<string, { safe: boolean; until: number }>();

  constructor(private readonly driver: PgDriver) {}

  async judge(functions: readonly string[], signal?: AbortSignal): Promise<FunctionVerdicts> {
    const denied: string[] = [];
    const ask: string[] = [];
    for (const name of functions) {
      const verdict = this.#static(name);
      if (verdict === false) denied.push(name);
      else if (verdict === undefined) ask.push(name);
    }
    if (ask.length) denied.push(...(await this.#fromCatalog(ask, signal)));
    return { denied, allBuiltin: ask.length === 0 && denied.length === 0 };
  }

  #static(name: string): boolean | undefined {
    if (name.startsWith('operator:'))
      return PURE_OPERATORS.has(name.slice('operator:'.length).replace(/^pg_catalog\./, ''));
    const builtin = bareBuiltin(name);
    if (builtin === undefined) return undefined;
    if (DENIED_FUNCTIONS.has(builtin)) return false;
    return PURE_FUNCTIONS.has(builtin) ? true : undefined;
  }

  async #fromCatalog(names: string[], signal: AbortSignal | undefined): Promise<string[]> {
    const now = Date.now();
    const unknown = names.filter((n) => (this.#cache.get(n)?.until ?? 0) < now);
    if (unknown.length) {
      const rows = await this.driver.catalog<{ name: string; safe: boolean }>(CATALOG_SQL, [unknown], signal);
      const safe = new Map(rows.map((r) => [r.name, r.safe]));
      for (const n of unknown) this.#cache.set(n, { safe: safe.get(n) === true, until: now + CACHE_MS });
    }
    return names.filter((n) => this.#cache.get(n)?.safe !== true);
  }
}
