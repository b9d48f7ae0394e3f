/**
 * The stored functions (in the source's database) and loadable functions (mysql.func) that a
 * call's name can resolve to. An allow-listed name that is not a built-in on this server version
 * (REGEXP_LIKE and FORMAT_BYTES on MariaDB 10.11) is resolved by the server to a stored function
 * of that name: the catalog, not the name list, says what a call reaches. Cached a minute per name.
 */
import type { MysqlDriver } from './driver.js';

const CACHE_MS = 60_000;

export class StoredFunctions {
  readonly #cache = new Map<string, { stored: boolean; until: number }>();

  constructor(private readonly driver: MysqlDriver) {}

  /** The names (lower case) among `names` that a stored or loadable function answers to. */
  async among(names: readonly string[], signal?: AbortSignal): Promise<Set<string>> {
    const now = Date.now();
    const wanted = [...new Set(names.map((n) => n.toLowerCase()))];
    const ask = wanted.filter((n) => (this.#cache.get(n)?.until ?? 0) < now);
    if (ask.length) {
      const marks = ask.map(() => '?').join(', ');
      const stored = await this.driver.catalog<{ name: string }>(
        `SELECT LOWER(ROUTINE_NAME) AS name FROM information_schema.ROUTINES
          WHERE ROUTINE_TYPE = 'FUNCTION' AND ROUTINE_SCHEMA = DATABASE() AND LOWER(ROUTINE_NAME) IN (${marks})`,
        ask,
        signal,
      );
      // loadable functions are server-wide; a login that may not read mysql.func cannot have installed one either
      const loadable = await this.driver
        .catalog<{ name: string }>(
          `SELECT LOWER(name) AS name FROM mysql.func WHERE LOWER(name) IN (${marks})`,
          ask,
          signal,
        )
        .catch(() => []);
      const found = new Set([...stored, ...loadable].map((r) => r.name));
      for (const n of ask) this.#cache.set(n, { stored: found.has(n), until: now + CACHE_MS });
    }
    return new Set(wanted.filter((n) => this.#cache.get(n)?.stored));
  }
}
