/**
 * How PostgreSQL values reach the client. The text protocol gives every value as text; only
 * types JSON can hold exactly become numbers or booleans, the rest stay in PostgreSQL's own text
 * form (int8, numeric, timestamps, bytea as \x hex, json, arrays), so nothing is rounded.
 */
import type { CellValue } from '../../contract/engine.js';

const BOOL = 16;
const INT2 = 21;
const INT4 = 23;
const OID = 26;
const FLOAT4 = 700;
const FLOAT8 = 701;

const asString = (text: string): CellValue => text;
const asInteger = (text: string): CellValue => Number(text);
const asBoolean = (text: string): CellValue => text === 't';
const asFloat = (text: string): CellValue => {
  const n = Number(text);
  return Number.isFinite(n) ? n : text; // NaN and Infinity have no JSON number
};

const PARSERS: Record<number, (text: string) => CellValue> = {
  [BOOL]: asBoolean,
  [INT2]: asInteger,
  [INT4]: asInteger,
  [OID]: asInteger,
  [FLOAT4]: asFloat,
  [FLOAT8]: asFloat,
};

export const parserFor = (oid: number): ((text: string) => CellValue) => PARSERS[oid] ?? asString;

/** Names of the built-in types seen most, so common results need no catalog lookup. */
export const BUILTIN_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [16, 'boolean'],
  [17, 'bytea'],
  [18, 'char'],
  [19, 'name'],
  [20, 'bigint'],
  [21, 'smallint'],
  [23, 'integer'],
  [25, 'text'],
  [26, 'oid'],
  [114, 'json'],
  [142, 'xml'],
  [700, 'real'],
  [701, 'double precision'],
  [1042, 'character'],
  [1043, 'character varying'],
  [1082, 'date'],
  [1083, 'time without time zone'],
  [1114, 'timestamp without time zone'],
  [1184, 'timestamp with time zone'],
  [1186, 'interval'],
  [1266, 'time with time zone'],
  [1700, 'numeric'],
  [2950, 'uuid'],
  [3802, 'jsonb'],
  [869, 'inet'],
  [650, 'cidr'],
  [1000, 'boolean[]'],
  [1005, 'smallint[]'],
  [1007, 'integer[]'],
  [1016, 'bigint[]'],
  [1009, 'text[]'],
  [1015, 'character varying[]'],
  [1231, 'numeric[]'],
  [1022, 'double precision[]'],
  [2951, 'uuid[]'],
  [3807, 'jsonb[]'],
  [2249, 'record'],
  [705, 'unknown'],
  [2278, 'void'],
  [3614, 'tsvector'],
  [1560, 'bit'],
  [1562, 'bit varying'],
]);
