import { createIndexAdvisor } from './index-advisor/ops.js';
import { createMigrations } from './migrations/ops.js';
import { createBackups } from './backups/ops.js';
import { createHealth } from './health/ops.js';
import type { EngineAdapter, EngineDeps, ServerInfo, EngineSource } from '../contract/engine.js';
import { SqliteDriver } from './core/driver.js';
import { SqliteIntrospector } from './core/introspector.js';
import { SqliteReader } from './core/reader.js';
import { sqlitePosture } from './core/posture.js';
import { classifySqlite } from './core/classify.js';
import { executeSqliteChange } from './core/change.js';
import { explainSqlite } from './core/explain.js';
import { sqliteColumnStats } from './core/column-stats.js';

export function createEngine(source: EngineSource, deps: EngineDeps): EngineAdapter {
  const driver = new SqliteDriver(source);
  const introspector = new SqliteIntrospector(driver);
  const reader = new SqliteReader(driver.file);
  let info: ServerInfo | undefined;
  return {
    name: 'sqlite',
    capabilities: { schemas: false, cancel: true },
    async serverInfo() {
      info ??= {
        engine: 'sqlite',
        variant: 'sqlite',
        version: driver.all<{ v: string }>('SELECT sqlite_version() AS v')[0]!.v,
      };
      return info;
    },
    posture: async () => sqlitePosture(driver.file),
    classify: async (sql, params) => classifySqlite(driver, sql, params),
    runRead: (q) => reader.read(q),
    explain: (q) => explainSqlite((r) => reader.read(r), q),
    executeChange: async (sql, opts) => executeSqliteChange(driver.file, sql, opts),
    listSchemas: async () => introspector.listSchemas(),
    listTables: async (filter) => introspector.listTables(filter),
    describeTables: async (refs) => introspector.describeTables(refs),
    columnStats: (table, columns) => sqliteColumnStats((r) => reader.read(r), table, columns),
    indexAdvisor: createIndexAdvisor(driver, source, deps),
    migrations: createMigrations(driver, source, deps),
    backups: createBackups(driver, source, deps),
    health: createHealth(driver, source, deps),
    close: async () => {
      reader.close();
      driver.close();
    },
  };
}
