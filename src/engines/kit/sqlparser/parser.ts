/**
 * sqlparser-rs (WASM, pinned to 0.62.0), shared by the engines whose dialect it reads (MySQL/MariaDB
 * and SQLite), loaded on first use. Its AST is untyped JSON to us.
 */
import type * as SqlparserModule from '@guanmingchiu/sqlparser-ts';

import { loadOnce } from '../../../core/load-once.js';

type Lib = typeof SqlparserModule;

export interface Parsed {
  statements: unknown[];
  comments: { commentType: string; content: string }[];
}

const load = loadOnce<Lib>(async () => {
  const lib = await import('@guanmingchiu/sqlparser-ts');
  await lib.init();
  return lib;
});

/** sqlparser-rs's dialect names this project uses. */
export type SqlparserDialect = 'mysql' | 'sqlite';

export async function parseSqlparser(sql: string, dialect: SqlparserDialect = 'mysql'): Promise<Parsed> {
  return (await load()).parseWithComments(sql, dialect) as unknown as Parsed;
}
