/** libpg-query (the real PostgreSQL parser, as WASM), loaded on first use so start-up does not pay for it. */
import type { ParseResult } from '@pgsql/types';

import type * as LibPgQueryModule from 'libpg-query';

import { loadOnce } from '../../../../core/load-once.js';

type LibPgQuery = typeof LibPgQueryModule;

const load = loadOnce<LibPgQuery>(async () => {
  const lib = await import('libpg-query');
  await lib.loadModule();
  return lib;
});

export async function parsePostgres(sql: string): Promise<ParseResult> {
  return (await load()).parseSync(sql) as ParseResult;
}

/** The statement with literals replaced by $n placeholders (for fingerprints and redacted logs). */
export async function normalizePostgres(sql: string): Promise<string> {
  return (await load()).normalizeSync(sql);
}
