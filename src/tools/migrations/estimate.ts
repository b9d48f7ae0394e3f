/**
 * How long a statement holds its lock, from the table's real size (catalog estimates): rough
 * throughputs for a rewrite, an index build and a scan on ordinary hardware. Good to an order of
 * magnitude, which is what decides between "brief" and "schedule it".
 */
import type { TableWork } from '../../engines/contract/migrations.js';

const BYTES_PER_SECOND: Record<TableWork, number> = { none: Infinity, scan: 200e6, 'index-build': 60e6, rewrite: 40e6 };

/** The size that makes a table "large": a blocking statement on it is an error, not a warning. */
export const LARGE_ROWS = 10_000;
export const LARGE_BYTES = 10 * 1024 * 1024;

export function isLarge(rows: number | null, bytes: number | null): boolean {
  if (rows === null && bytes === null) return true;
  return (rows ?? 0) >= LARGE_ROWS || (bytes ?? 0) >= LARGE_BYTES;
}

export function workSeconds(work: TableWork, bytes: number | null, rows: number | null): number {
  if (work === 'none') return 0;
  const size = bytes ?? (rows ?? 0) * 100;
  return Math.round((size / BYTES_PER_SECOND[work]) * 10) / 10;
}

export function formatSeconds(s: number): string {
  if (s < 1) return 'under a second';
  if (s < 120) return `~${Math.round(s)} s`;
  if (s < 7200) return `~${Math.round(s / 60)} min`;
  return `~${Math.round(s / 3600)} h`;
}
