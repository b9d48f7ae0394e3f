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

/**
 * The statement with literals replaced by $n placeholders (for fingerprints and redacted logs).
 * Throws for text that does not parse: normalizeSync would return the parser's message instead,
 * which quotes the text it could not read.
 */
export async function normalizePostgres(sql: string): Promise<string> {
  const lib = await load();
  lib.parseSync(sql);
  return lib.normalizeSync(sql);
}
