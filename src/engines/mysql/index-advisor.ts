import type { ResolvedSource } from '../../config/load.js';
import type { IndexAdvisorOps } from '../index-advisor-types.js';
import type { EngineDeps } from '../types.js';
import type { MysqlDriver } from './driver.js';

/** The mysql side of propose_index (#6); undefined until built. */
export function createIndexAdvisor(_driver: MysqlDriver, _source: ResolvedSource, _deps: EngineDeps): IndexAdvisorOps | undefined {
  return undefined;
}
