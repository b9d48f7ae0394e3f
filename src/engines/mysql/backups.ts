import type { ResolvedSource } from '../../config/load.js';
import type { BackupOps } from '../backup-types.js';
import type { EngineDeps } from '../types.js';
import type { MysqlDriver } from './driver.js';

/** The mysql side of check_backups / create_backup / verify_backup (#8); undefined until built. */
export function createBackups(_driver: MysqlDriver, _source: ResolvedSource, _deps: EngineDeps): BackupOps | undefined {
  return undefined;
}
