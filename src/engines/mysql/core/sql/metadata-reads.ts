/**
 * Metadata reads sqlparser-rs cannot parse, matched by whole-statement grammars that admit only
 * identifiers and one LIKE pattern: no expression, no function call, no second statement can hide
 * in them. Anything else is left to the parser.
 *   SHOW CREATE DATABASE|SCHEMA|TABLE|VIEW|PROCEDURE|FUNCTION|TRIGGER|EVENT name
 *   SHOW PROCEDURE|FUNCTION STATUS [LIKE 'pattern']
 *   DESC|DESCRIBE|EXPLAIN table [column]
 *   TABLE table [ORDER BY column [ASC|DESC]] [LIMIT n [OFFSET n]]     (MySQL 8: SELECT * FROM table)
 */
import type { TableName } from '../../../../core/classification.js';

const IDENT = String.raw`(?:[A-Za-z_$][\w$]*|\`(?:[^\`]|\`\`)+\`)`;
const NAME = String.raw`(${IDENT})(?:\s*\.\s*(${IDENT}))?`;
const END = String.raw`\s*;?\s*$`;

const GRAMMARS: { type: string; pattern: RegExp; table?: boolean }[] = [
  {
    type: 'ShowCreate',
    pattern: new RegExp(String.raw`^\s*SHOW\s+CREATE\s+(?:TABLE|VIEW)\s+${NAME}${END}`, 'i'),
    table: true,
  },
  {
    type: 'ShowCreate',
    pattern: new RegExp(
      String.raw`^\s*SHOW\s+CREATE\s+(?:DATABASE|SCHEMA|PROCEDURE|FUNCTION|TRIGGER|EVENT)\s+${NAME}${END}`,
      'i',
    ),
  },
  {
    type: 'ShowStatus',
    pattern: new RegExp(
      String.raw`^\s*SHOW\s+(?:PROCEDURE|FUNCTION)\s+STATUS(?:\s+LIKE\s+'(?:[^'\\]|'')*')?${END}`,
      'i',
    ),
  },
  {
    type: 'ExplainTable',
    pattern: new RegExp(String.raw`^\s*(?:DESC|DESCRIBE|EXPLAIN)\s+${NAME}(?:\s+${IDENT})?${END}`, 'i'),
    table: true,
  },
  {
    type: 'TableStatement',
    pattern: new RegExp(
      String.raw`^\s*TABLE\s+${NAME}(?:\s+ORDER\s+BY\s+${IDENT}(?:\s+(?:ASC|DESC))?)?(?:\s+LIMIT\s+\d+(?:\s+OFFSET\s+\d+)?)?${END}`,
      'i',
    ),
    table: true,
  },
];

/** A name as written: backticks removed, doubled backticks undone. */
export const unquote = (ident: string) => (ident.startsWith('`') ? ident.slice(1, -1).replace(/``/g, '`') : ident);

export function metadataRead(sql: string): { type: string; tables: TableName[] } | undefined {
  for (const g of GRAMMARS) {
    const m = g.pattern.exec(sql);
    if (!m) continue;
    const [first, second] = [m[1], m[2]];
    const tables =
      g.table && first ? [second ? { schema: unquote(first), name: unquote(second) } : { name: unquote(first) }] : [];
    return { type: g.type, tables };
  }
  return undefined;
}
