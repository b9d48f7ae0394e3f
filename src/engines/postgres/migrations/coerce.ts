/**
 * Whether ALTER COLUMN ... TYPE rewrites the table: the binary-coercible changes that only touch
 * the catalog (strong_migrations postgresql_adapter change_type_safe?, RULES.md section 2), and
 * read-only checks for changes that narrow the type.
 */
import type { PgNode } from './text.js';
import { names } from './context.js';

const CANONICAL: Record<string, string> = {
  int4: 'integer',
  int: 'integer',
  integer: 'integer',
  int8: 'bigint',
  int2: 'smallint',
  varchar: 'character varying',
  bpchar: 'character',
  float8: 'double precision',
  float4: 'real',
  bool: 'boolean',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  time: 'time without time zone',
  timetz: 'time with time zone',
  varbit: 'bit varying',
};

export interface PgType {
  base: string;
  mods: number[];
  array: boolean;
}

/** The type as written in ALTER ... TYPE, in format_type's words. */
export function typeFromAst(typeName: PgNode): PgType {
  const n = names(typeName.names);
  const last = (n.at(-1) ?? '').toLowerCase();
  const mods = ((typeName.typmods as PgNode[] | undefined) ?? []).map((m) =>
    Number(((m.A_Const as PgNode | undefined)?.ival as { ival?: number } | undefined)?.ival ?? 0),
  );
  return { base: CANONICAL[last] ?? last, mods, array: Array.isArray(typeName.arrayBounds) };
}

/** format_type output, e.g. 'character varying(50)', 'numeric(10,2)', 'timestamp(3) without time zone', 'integer[]'. */
export function typeFromCatalog(text: string): PgType {
  const array = text.endsWith('[]');
  const t = array ? text.slice(0, -2) : text;
  const m = /^([a-z ]+?)\((\d+)(?:,(\d+))?\)(.*)$/.exec(t);
  if (!m) return { base: t, mods: [], array };
  const mods = [Number(m[2]), ...(m[3] !== undefined ? [Number(m[3])] : [])];
  return { base: `${m[1]}${m[4] ?? ''}`.trim(), mods, array };
}

export const typeText = (t: PgType) => {
  const mods = t.mods.length ? `(${t.mods.join(',')})` : '';
  const tz = /^(timestamp|time) (with|without) time zone$/.exec(t.base);
  return (tz ? `${tz[1]}${mods} ${tz[2]} time zone` : `${t.base}${mods}`) + (t.array ? '[]' : '');
};

/** No rewrite (and no index rebuild): the change only relaxes a limit or is a no-op. */
export function binaryCoercible(from: PgType, to: PgType, timeZone: string): boolean {
  if (from.array !== to.array) return false;
  const [a, b] = [from.base, to.base];
  const noLimit = to.mods.length === 0;
  if (a === b && from.mods.join() === to.mods.join()) return true;
  if (a === 'character varying' && b === 'text') return true;
  if (a === 'text' && b === 'character varying' && noLimit) return true;
  if (a === 'character varying' && b === 'character varying')
    return noLimit || (from.mods.length > 0 && to.mods[0]! >= from.mods[0]!);
  if (a === 'numeric' && b === 'numeric')
    return noLimit || (from.mods.length === 2 && to.mods[1] === from.mods[1] && to.mods[0]! >= from.mods[0]!);
  if (a === 'cidr' && b === 'inet') return true;
  if (a === 'bit varying' && b === 'bit varying')
    return noLimit || (from.mods.length > 0 && to.mods[0]! >= from.mods[0]!);
  const precise = (x: string) => /^(timestamp|time|interval)/.test(x);
  if (precise(a) && a === b) return noLimit || (from.mods.length > 0 && to.mods[0]! >= from.mods[0]!);
  if (a === 'timestamp without time zone' && b === 'timestamp with time zone')
    return (
      /^(utc|etc\/utc|gmt|z|zulu|uct|etc\/gmt)$/i.test(timeZone) &&
      (noLimit || from.mods.length === 0 || to.mods[0]! >= from.mods[0]!)
    );
  return false;
}

const INT_RANGE: Record<string, [string, string]> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
};

/** A predicate (on column `col`) true for rows the new type cannot hold, or null when none applies. */
export function narrowingViolation(from: PgType, to: PgType, col: string): string | null {
  const textual = (x: string) => x === 'text' || x === 'character varying' || x === 'character';
  if (textual(from.base) && (to.base === 'character varying' || to.base === 'character') && to.mods.length)
    return `length(${col}) > ${to.mods[0]}`;
  const range = INT_RANGE[to.base];
  if (range && ['bigint', 'integer', 'numeric', 'double precision', 'real'].includes(from.base))
    return `${col} NOT BETWEEN ${range[0]} AND ${range[1]}`;
  if (textual(from.base) && ['integer', 'bigint', 'smallint'].includes(to.base))
    return `${col} !~ '^\\s*[-+]?[0-9]+\\s*$'`;
  if (textual(from.base) && to.base === 'numeric')
    return `${col} !~ '^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$'`;
  if (from.base === 'numeric' && to.base === 'numeric' && to.mods.length) {
    const [p, s = 0] = to.mods;
    return `abs(${col}) >= 1e${p! - s}`;
  }
  return null;
}
