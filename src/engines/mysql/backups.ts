import type { ResolvedSource } from '../../config/load.js';
import type { BackupOps } from '../backup-types.js';
import type { EngineDeps } from '../types.js';
import type { MysqlDriver } from './driver.js';
import { mysqlReadinessChecks } from './backup-checks.js';
import { mysqlDump } from './backup-dump.js';
import { completion, isDumpHead } from './backup-file.js';
import { mysqlRestore } from './backup-restore.js';

/** The mysql side of check_backups / create_backup / verify_backup (#8). */
export function createBackups(driver: MysqlDriver, source: ResolvedSource, deps: EngineDeps): BackupOps | undefined {
  return {
    format: 'mariadb-dump/mysqldump SQL (--single-transaction)',
    extension: '.sql',
    isBackupFile: (head) => isDumpHead(head),
    readinessChecks: (env) => mysqlReadinessChecks(driver, env),
    inspect: async (file) => completion(file),
    dump: (file, env) => mysqlDump(source, file, env),
    restore: (file, env) => mysqlRestore(source, file, env, deps.logger),
  };
}
