import type { ResolvedSource } from '../../config/load.js';
import type { MigrationOps } from '../migration-types.js';
import type { EngineDeps } from '../types.js';
import type { SqliteDriver } from './driver.js';

/** The sqlite side of plan_migration / apply_migration (#7); undefined until built. */
export function createMigrations(_driver: SqliteDriver, _source: ResolvedSource, _deps: EngineDeps): MigrationOps | undefined {
  return undefined;
}
