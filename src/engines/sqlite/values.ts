/** SQLite values as the contract's CellValue: integers stay exact (BigInt beyond 2^53 becomes a string), blobs become 0x hex. */
import type { CellValue } from '../types.js';

export function toCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  return String(value);
}

/** The storage class of a value, for result columns with no declared type (expressions). */
export function storageClass(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint') return 'integer';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'real';
  if (Buffer.isBuffer(value)) return 'blob';
  return 'text';
}
