import type { BackupOps } from '../../contract/backups.js';
import type { EngineDeps, EngineSource } from '../../contract/engine.js';
import type { MysqlDriver } from '../core/driver.js';
import { mysqlReadinessChecks } from './checks.js';
import { mysqlDump } from './dump.js';
import { completion, isDumpHead } from './file.js';
import { mysqlRestore } from './restore.js';

/** The mysql side of check_backups / create_backup / verify_backup (#8). */
export function createBackups(driver: MysqlDriver, source: EngineSource, deps: EngineDeps): BackupOps | undefined {
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
