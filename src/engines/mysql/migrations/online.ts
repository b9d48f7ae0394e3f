/**
 * MySQL 8.0 / MariaDB InnoDB online DDL, per operation and server version (RULES.md 1.5; the
 * MariaDB column verified on 10.11): the algorithm the server picks (INSTANT, INPLACE, COPY),
 * the LOCK it allows, and whether the table is rebuilt.
 */
import type { OnlineDdl } from '../../contract/migrations.js';
import type { Variant } from '../core/session.js';

export interface ServerFacts {
  variant: Variant;
  /** [major, minor, patch] */
  version: [number, number, number];
}

const atLeast = (s: ServerFacts, major: number, minor: number, patch = 0) => {
  const [a, b, c] = s.version;
  return a > major || (a === major && (b > minor || (b === minor && c >= patch)));
};

export const online = (algorithm: OnlineDdl['algorithm'], lock: OnlineDdl['lock'], rebuilds: boolean): OnlineDdl => ({
  algorithm,
  lock,
  rebuilds_table: rebuilds,
  explicit: false,
});

export const COPY = online('COPY', 'SHARED', true);

export type AddColumnKind = 'plain' | 'expression-default' | 'auto-increment' | 'stored' | 'virtual';

export function addColumn(s: ServerFacts, kind: AddColumnKind, positioned: boolean): OnlineDdl {
  if (kind === 'stored') return COPY;
  if (kind === 'auto-increment') return online('INPLACE', 'SHARED', true);
  if (kind === 'virtual') return online('INSTANT', 'NONE', false);
  if (s.variant === 'mariadb') {
    // 10.3: instant ADD COLUMN at the end; 10.4: anywhere (and instant DROP / reorder).
    if (atLeast(s, 10, 4) || (atLeast(s, 10, 3) && !positioned)) return online('INSTANT', 'NONE', false);
    return online('INPLACE', 'NONE', true);
  }
  if (kind === 'expression-default') return online('INPLACE', 'NONE', true);
  if (atLeast(s, 8, 0, 29) || (atLeast(s, 8, 0, 12) && !positioned)) return online('INSTANT', 'NONE', false);
  return online('INPLACE', 'NONE', true);
}

export function dropColumn(s: ServerFacts): OnlineDdl {
  if (s.variant === 'mariadb' ? atLeast(s, 10, 4) : atLeast(s, 8, 0, 29)) return online('INSTANT', 'NONE', false);
  return online('INPLACE', 'NONE', true);
}

export function renameColumn(s: ServerFacts): OnlineDdl {
  if (s.variant === 'mariadb' ? atLeast(s, 10, 3) : atLeast(s, 8, 0, 28)) return online('INSTANT', 'NONE', false);
  return online('INPLACE', 'NONE', false);
}

export const setDefault = () => online('INSTANT', 'NONE', false);
export const secondaryIndex = () => online('INPLACE', 'NONE', false);
export const fulltextIndex = () => online('INPLACE', 'SHARED', true);
export const dropIndex = () => online('INPLACE', 'NONE', false);
export const renameTable = () => online('INSTANT', 'NONE', false);
export const primaryKey = () => online('INPLACE', 'NONE', true);
/** With foreign_key_checks=1 (the default) an added foreign key copies the table. */
export const foreignKey = () => COPY;
export const checkConstraint = () => COPY;
export const widenVarcharSameClass = () => online('INPLACE', 'NONE', false);
export const appendEnumMember = () => online('INSTANT', 'NONE', false);

export function makeNullable(): OnlineDdl {
  return online('INPLACE', 'NONE', true);
}

export function makeNotNull(s: ServerFacts): OnlineDdl {
  return s.variant === 'mariadb' ? COPY : online('INPLACE', 'NONE', true);
}

const RANK = { INSTANT: 0, INPLACE: 1, COPY: 2 } as const;
const LOCK_RANK = { NONE: 0, SHARED: 1, EXCLUSIVE: 2 } as const;

/** The statement gets the weakest algorithm all its operations allow. */
export function combine(ops: OnlineDdl[]): OnlineDdl {
  return ops.reduce(
    (a, b) => ({
      algorithm: RANK[b.algorithm] > RANK[a.algorithm] ? b.algorithm : a.algorithm,
      lock: LOCK_RANK[b.lock] > LOCK_RANK[a.lock] ? b.lock : a.lock,
      rebuilds_table: a.rebuilds_table || b.rebuilds_table,
      explicit: a.explicit || b.explicit,
    }),
    online('INSTANT', 'NONE', false),
  );
}

/** Bytes per character of a character set (for VARCHAR's length-byte class). */
export function bytesPerChar(charset: string | null): number {
  if (!charset) return 4;
  if (/^utf8mb4/i.test(charset)) return 4;
  if (/^(utf8|utf8mb3)/i.test(charset)) return 3;
  if (/^(ucs2|utf16)/i.test(charset)) return 4;
  return 1;
}
