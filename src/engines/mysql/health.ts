import type { ResolvedSource } from '../../config/load.js';
import type { HealthOps } from '../health-types.js';
import type { EngineDeps } from '../types.js';
import type { MysqlDriver } from './driver.js';

/** The mysql side of check_health / top_queries / check_security (#9); undefined until built. */
export function createHealth(_driver: MysqlDriver, _source: ResolvedSource, _deps: EngineDeps): HealthOps | undefined {
  return undefined;
}
