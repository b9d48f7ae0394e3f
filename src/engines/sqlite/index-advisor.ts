import type { ResolvedSource } from '../../config/load.js';
import type { IndexAdvisorOps } from '../index-advisor-types.js';
import type { EngineDeps } from '../types.js';
import type { SqliteDriver } from './driver.js';

/** The sqlite side of propose_index (#6); undefined until built. */
export function createIndexAdvisor(_driver: SqliteDriver, _source: ResolvedSource, _deps: EngineDeps): IndexAdvisorOps | undefined {
  return undefined;
}
