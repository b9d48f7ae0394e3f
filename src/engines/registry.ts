/**
 * The engine registry: names, DSN schemes and a lazy loader per engine. Kept free of driver
 * imports so that config validation and start-up do not pay for pg, mysql2 or better-sqlite3
 * until a source is used. Adding an engine is one entry here plus its folder.
 */
import type { EngineModule } from './contract/engine.js';

export const ENGINES = {
  postgres: { schemes: ['postgres', 'postgresql'], load: () => import('./postgres/index.js') },
  mysql: { schemes: ['mysql', 'mariadb'], load: () => import('./mysql/index.js') },
  sqlite: { schemes: ['sqlite'], load: () => import('./sqlite/index.js') },
} as const satisfies Record<string, { schemes: readonly string[]; load: () => Promise<EngineModule> }>;

export type EngineName = keyof typeof ENGINES;

export const ENGINE_NAMES = Object.keys(ENGINES) as EngineName[];

export function engineForScheme(scheme: string): EngineName | undefined {
  const wanted = scheme.toLowerCase();
  return ENGINE_NAMES.find((name) => (ENGINES[name].schemes as readonly string[]).includes(wanted));
}

export const KNOWN_SCHEMES: string[] = ENGINE_NAMES.flatMap((name) => [...ENGINES[name].schemes]);
