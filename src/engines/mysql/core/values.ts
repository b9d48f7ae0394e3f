/**
 * How MySQL/MariaDB values reach the client. The pool is opened with supportBigNumbers,
 * bigNumberStrings, dateStrings and jsonStrings, so mysql2 hands over: numbers only for the
 * small integer types, YEAR and FLOAT/DOUBLE; strings for BIGINT, DECIMAL, dates, times and
 * JSON (its text, unparsed); Buffers for binary strings, BLOBs and BIT. Buffers become
 * `0x`-prefixed lowercase hex, so nothing is rounded or mangled on the way.
 */
import mysql from 'mysql2/promise';
import type { FieldPacket } from 'mysql2/promise';
import type { CellValue, ColumnMeta } from '../../contract/engine.js';

const { Types } = mysql;

/** mysql2's character-set number for binary strings (BINARY, VARBINARY, BLOB, BIT). */
const BINARY_CHARSET = 63;
const UNSIGNED_FLAG = 32;
const ENUM_FLAG = 256;
const SET_FLAG = 2048;

export function toCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    default:
      return objectToCell(value);
  }
}

function objectToCell(value: unknown): CellValue {
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  // GEOMETRY and VECTOR arrive parsed by mysql2; JSON text is the faithful way to pass them on.
  return JSON.stringify(value);
}

/**
 * A FLOAT as the server prints it: the binary protocol (bound parameters) hands over the float32's
 * exact double (0.10000000149011612); the shortest decimal that is the same float32 is what the
 * text protocol shows (0.1).
 */
export function float32Cell(value: CellValue): CellValue {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const shortest = Number(value.toPrecision(digits));
    if (Math.fround(shortest) === single) return shortest;
  }
  return value;
}

/** Indexes of FLOAT (float32) columns. */
export function float32Columns(fields: readonly FieldPacket[]): number[] {
  return fields.flatMap((field, i) => ((field.columnType ?? field.type) === Types.FLOAT ? [i] : []));
}

export function toRow(raw: readonly unknown[]): CellValue[] {
  const row = new Array<CellValue>(raw.length);
  for (let i = 0; i < raw.length; i++) row[i] = toCell(raw[i]);
  return row;
}

const NUMERIC_NAMES: ReadonlyMap<number, string> = new Map([
  [Types.TINY, 'tinyint'],
  [Types.SHORT, 'smallint'],
  [Types.INT24, 'mediumint'],
  [Types.LONG, 'int'],
  [Types.LONGLONG, 'bigint'],
  [Types.FLOAT, 'float'],
  [Types.DOUBLE, 'double'],
  [Types.DECIMAL, 'decimal'],
  [Types.NEWDECIMAL, 'decimal'],
]);

const OTHER_NAMES: ReadonlyMap<number, string> = new Map([
  [Types.NULL, 'null'],
  [Types.DATE, 'date'],
  [Types.NEWDATE, 'date'],
  [Types.DATETIME, 'datetime'],
  [Types.TIMESTAMP, 'timestamp'],
  [Types.TIME, 'time'],
  [Types.YEAR, 'year'],
  [Types.BIT, 'bit'],
  [Types.JSON, 'json'],
  [Types.GEOMETRY, 'geometry'],
  [Types.VECTOR, 'vector'],
]);

const BLOB_TYPES = new Set([Types.TINY_BLOB, Types.MEDIUM_BLOB, Types.LONG_BLOB, Types.BLOB]);

/** A readable type name from the column definition mysql2 received. */
export function typeName(field: FieldPacket): string {
  const code = field.columnType ?? field.type ?? -1;
  const flags = typeof field.flags === 'number' ? field.flags : 0;
  if (field.extendedFormat === 'json') return 'json';
  if (field.extendedTypeName) return field.extendedTypeName;
  const numeric = NUMERIC_NAMES.get(code);
  if (numeric) return flags & UNSIGNED_FLAG ? `${numeric} unsigned` : numeric;
  return OTHER_NAMES.get(code) ?? stringTypeName(code, flags, field.characterSet === BINARY_CHARSET);
}

function stringTypeName(code: number, flags: number, binary: boolean): string {
  if (flags & ENUM_FLAG || code === Types.ENUM) return 'enum';
  if (flags & SET_FLAG || code === Types.SET) return 'set';
  if (BLOB_TYPES.has(code)) return binary ? 'blob' : 'text';
  if (code === Types.VARCHAR || code === Types.VAR_STRING) return binary ? 'varbinary' : 'varchar';
  if (code === Types.STRING) return binary ? 'binary' : 'char';
  return (mysql.Types as unknown as Record<number, string | undefined>)[code]?.toLowerCase() ?? `type:${code}`;
}

export function toColumns(fields: readonly FieldPacket[]): ColumnMeta[] {
  return fields.map((field) => ({
    name: field.name,
    type: typeName(field),
    ...(field.orgTable && field.orgName
      ? { origin: { ...(field.db ? { schema: field.db } : {}), table: field.orgTable, column: field.orgName } }
      : {}),
  }));
}
