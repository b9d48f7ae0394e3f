/** sqlparser-rs (WASM, pinned to 0.62.0) for MySQL/MariaDB, loaded on first use. Its AST is untyped JSON to us. */
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

export async function parseMysql(sql: string, dialect: 'mysql' | 'sqlite' = 'mysql'): Promise<Parsed> {
  return (await load()).parseWithComments(sql, dialect) as unknown as Parsed;
}
