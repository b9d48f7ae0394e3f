import type { ResolvedSource } from '../../config/load.js';
import type { HealthOps } from '../health-types.js';
import type { EngineDeps } from '../types.js';
import type { PgDriver } from './driver.js';

/** The postgres side of check_health / top_queries / check_security (#9); undefined until built. */
export function createHealth(_driver: PgDriver, _source: ResolvedSource, _deps: EngineDeps): HealthOps | undefined {
  return undefined;
}
