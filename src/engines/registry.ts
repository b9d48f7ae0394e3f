/**
 * The engine registry: names, DSN schemes, the facts the audit needs to print an engine's SQL,
 * and a lazy loader per engine. Kept free of driver imports so that config validation and
 * start-up do not pay for pg, mysql2 or better-sqlite3 until a source is used. Adding an engine
 * is one entry here plus its folder.
 */
import type { EngineModule } from './contract/engine.js';
import { demoShopPath } from './sqlite/demo/path.js';

/** What the audit needs to fingerprint (and, with redact_literals, normalize) an engine's SQL text. */
export interface SqlTextFacts {
  /** $tag$ ... $tag$ string constants (PostgreSQL). */
  readonly dollarQuotes?: boolean;
  /** "..." is a string, not a name (MySQL/MariaDB by default). */
  readonly doubleQuotedStrings?: boolean;
  /** The text with every literal replaced by a placeholder; throws when the text does not parse. */
  readonly normalize?: (sql: string) => Promise<string>;
}

interface EngineEntry {
  readonly schemes: readonly string[];
  /** How a DSN names the database: a server URL, or a file path after the scheme. */
  readonly dsn: 'url' | 'file';
  readonly sqlText: SqlTextFacts;
  readonly load: () => Promise<EngineModule>;
}

export const ENGINES = {
  postgres: {
    schemes: ['postgres', 'postgresql'],
    dsn: 'url',
    sqlText: {
      dollarQuotes: true,
      normalize: async (sql) => (await import('./postgres/core/sql/parser.js')).normalizePostgres(sql),
    },
    load: () => import('./postgres/index.js'),
  },
  mysql: {
    schemes: ['mysql', 'mariadb'],
    dsn: 'url',
    sqlText: { doubleQuotedStrings: true },
    load: () => import('./mysql/index.js'),
  },
  sqlite: { schemes: ['sqlite'], dsn: 'file', sqlText: {}, load: () => import('./sqlite/index.js') },
} as const satisfies Record<string, EngineEntry>;

export type EngineName = keyof typeof ENGINES;

export const ENGINE_NAMES = Object.keys(ENGINES) as EngineName[];

export function engineForScheme(scheme: string): EngineName | undefined {
  const wanted = scheme.toLowerCase();
  return ENGINE_NAMES.find((name) => (ENGINES[name].schemes as readonly string[]).includes(wanted));
}

export const KNOWN_SCHEMES: string[] = ENGINE_NAMES.flatMap((name) => [...ENGINES[name].schemes]);

export function sqlTextFacts(engine: string | undefined): SqlTextFacts {
  return engine !== undefined && Object.hasOwn(ENGINES, engine) ? ENGINES[engine as EngineName].sqlText : {};
}

/** The embedded demo database served when no source is configured: an online shop in SQLite. */
export const DEMO = {
  dsn: (stateDir: string): string => `sqlite://${demoShopPath(stateDir)}`,
  description: 'Embedded demo: a small online shop (SQLite), read-only. Configure a source to use your own database.',
  /** Builds the demo database file if this version of it is missing (loads the SQLite driver). */
  ensure: async (stateDir: string): Promise<void> => {
    (await import('./sqlite/demo/shop.js')).ensureDemoShop(stateDir);
  },
};
