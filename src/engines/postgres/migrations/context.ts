/**
 * What the PostgreSQL rules know while they walk a migration in order: the server version, the
 * catalog, and what earlier statements did (tables created, open transaction, NOT VALID
 * constraints and CHECKs proving NOT NULL, enum values added).
 */
import type { TableRef } from '../../contract/engine.js';
import type { Blocks, LockFact } from '../../contract/migrations.js';
import type { PgMigrationCatalog, PgTable } from './catalog.js';
import { quoteIdent, type PgNode } from './text.js';

export interface PgRules {
  /** server_version_num, e.g. 150018. */
  version: number;
  catalog: PgMigrationCatalog;
  defaultSchema: string;
  timeZone: string;
  created: Set<string>;
  inTransaction: boolean;
  /** Constraints added NOT VALID in the open explicit transaction. */
  notValidInTransaction: Set<string>;
  /** NOT NULL CHECKs added earlier in this migration: constraint name -> table key + column. */
  notNullChecks: Map<string, { table: string; column: string; validated: boolean }>;
  enumValuesInTransaction: Set<string>;
  /** Tables this transaction already took a strong lock on (a backfill there keeps it). */
  lockedInTransaction: Set<string>;
  sawLockTimeout: boolean;
}

export const LOCK_BLOCKS: Record<string, Blocks> = {
  'ACCESS EXCLUSIVE': 'reads and writes',
  EXCLUSIVE: 'writes',
  'SHARE ROW EXCLUSIVE': 'writes',
  SHARE: 'writes',
  'SHARE UPDATE EXCLUSIVE': 'ddl',
  'ROW EXCLUSIVE': 'ddl',
  'ROW SHARE': 'ddl',
  'no table lock': 'nothing',
};

const STRENGTH = [
  'no table lock',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
];

export const lockOn = (level: string, table: string | null): LockFact => ({
  level,
  table,
  blocks: LOCK_BLOCKS[level] ?? 'reads and writes',
});

/** The stronger of two lock levels. */
export const stronger = (a: string, b: string) => (STRENGTH.indexOf(a) >= STRENGTH.indexOf(b) ? a : b);

export interface RangeVar {
  schemaname?: string;
  relname: string;
  location?: number;
}

export function refOf(rv: RangeVar, rules: PgRules): TableRef {
  return { schema: rv.schemaname ?? rules.defaultSchema, name: rv.relname };
}

export const keyOf = (t: TableRef) => `${t.schema}.${t.name}`;
export const qualified = (t: TableRef) => `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;

/** The table as written in the migration (kept unqualified when it was), for generated statements. */
export const written = (rv: RangeVar) =>
  rv.schemaname ? `${quoteIdent(rv.schemaname)}.${quoteIdent(rv.relname)}` : quoteIdent(rv.relname);

export async function tableOf(rv: RangeVar, rules: PgRules): Promise<PgTable | undefined> {
  return rules.catalog.table(rv.schemaname, rv.relname);
}

/** The resolved reference: the catalog's schema when the table exists, else the default schema. */
export async function resolve(
  rv: RangeVar,
  rules: PgRules,
): Promise<{ ref: TableRef; table: PgTable | undefined; createdHere: boolean }> {
  const guess = refOf(rv, rules);
  if (rules.created.has(keyOf(guess))) return { ref: guess, table: undefined, createdHere: true };
  const table = await tableOf(rv, rules);
  const ref = table ? { schema: table.schema, name: table.name } : guess;
  return { ref, table, createdHere: rules.created.has(keyOf(ref)) };
}

/** Names of the String nodes of a list (`names`, `funcname`, `fk_attrs`...). */
export const names = (list: unknown): string[] =>
  ((list as PgNode[] | undefined) ?? []).map((n) => String((n.String as { sval?: string } | undefined)?.sval ?? ''));

/** Every function name called anywhere in an expression tree. */
export function functionsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) functionsIn(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as PgNode)) {
      if (k === 'FuncCall') out.push(names((v as PgNode).funcname).at(-1) ?? '');
      functionsIn(v, out);
    }
  }
  return out;
}

export const isLarge = (rows: number | null | undefined) => rows === null || rows === undefined || rows >= 10_000;
