/** sqlparser-rs (WASM, pinned to 0.62.0) for MySQL/MariaDB, loaded on first use. Its AST is untyped JSON to us. */
import type * as SqlparserModule from '@guanmingchiu/sqlparser-ts';

type Lib = typeof SqlparserModule;

export interface Parsed {
  statements: unknown[];
  comments: { commentType: string; content: string }[];
}

let loading: Promise<Lib> | undefined;

function load(): Promise<Lib> {
  loading ??= import('@guanmingchiu/sqlparser-ts').then(async (lib) => {
    await lib.init();
    return lib;
  });
  loading.catch(() => (loading = undefined));
  return loading;
}

export async function parseMysql(sql: string, dialect: 'mysql' | 'sqlite' = 'mysql'): Promise<Parsed> {
  return (await load()).parseWithComments(sql, dialect) as unknown as Parsed;
}
