/** Compares the tables and row counts a restore produced with what the manifest recorded. */
import type { TableCount } from '../../engines/contract/backups.js';

export interface TableDiff {
  table: string;
  expected: number | null;
  restored: number | null;
}

export interface Comparison {
  matched: number;
  diffs: TableDiff[];
}

export function compareCounts(expected: readonly TableCount[], restored: readonly TableCount[]): Comparison {
  const want = new Map(expected.map((t) => [t.table, t.rows]));
  const got = new Map(restored.map((t) => [t.table, t.rows]));
  const diffs: TableDiff[] = [];
  let matched = 0;
  for (const [table, rows] of want) {
    const found = got.get(table);
    if (found === rows) matched++;
    else diffs.push({ table, expected: rows, restored: found ?? null });
  }
  for (const [table, rows] of got) if (!want.has(table)) diffs.push({ table, expected: null, restored: rows });
  return { matched, diffs };
}

export function describeDiffs(diffs: readonly TableDiff[], max = 5): string {
  const parts = diffs
    .slice(0, max)
    .map((d) =>
      d.expected === null
        ? `${d.table} is not in the manifest`
        : d.restored === null
          ? `${d.table} is missing after the restore`
          : `${d.table} has ${d.restored} rows, the manifest ${d.expected}`,
    );
  return parts.join('; ') + (diffs.length > max ? `; and ${diffs.length - max} more` : '');
}
