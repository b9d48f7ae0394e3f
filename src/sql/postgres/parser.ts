/** libpg-query (the real PostgreSQL parser, as WASM), loaded on first use so start-up does not pay for it. */
import type { ParseResult } from '@pgsql/types';

import type * as LibPgQueryModule from 'libpg-query';

type LibPgQuery = typeof LibPgQueryModule;

let loading: Promise<LibPgQuery> | undefined;

function load(): Promise<LibPgQuery> {
  loading ??= import('libpg-query').then(async (lib) => {
    await lib.loadModule();
    return lib;
  });
  loading.catch(() => (loading = undefined));
  return loading;
}

export async function parsePostgres(sql: string): Promise<ParseResult> {
  return (await load()).parseSync(sql) as ParseResult;
}

/** The statement with literals replaced by $n placeholders (for fingerprints and redacted logs). */
export async function normalizePostgres(sql: string): Promise<string> {
  return (await load()).normalizeSync(sql);
}
