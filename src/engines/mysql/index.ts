import { createIndexAdvisor } from './index-advisor/ops.js';
import { createMigrations } from './migrations/ops.js';
import { createBackups } from './backups/ops.js';
import { createHealth } from './health/ops.js';
import type { EngineAdapter, EngineDeps, Posture, ServerInfo, EngineSource } from '../contract/engine.js';
import { MysqlDriver } from './core/driver.js';
import { MysqlIntrospector } from './core/introspector.js';
import { runRead } from './core/read.js';
import { explainMysql } from './core/explain.js';
import { mysqlColumnStats } from './core/column-stats.js';
import { executeMysqlChange } from './core/change.js';
import { mysqlPosture } from './core/posture.js';
import { classify, type FunctionPolicy } from './core/classify.js';
import { StoredFunctions } from './core/stored-functions.js';
import { behindViews } from './core/view-tables.js';

/** ServerInfo plus what VERSION() said in full, e.g. '10.11.19-MariaDB-0+deb12u1'. */
export interface MysqlServerInfo extends ServerInfo {
  full_version: string;
}

export function createEngine(source: EngineSource, deps: EngineDeps): EngineAdapter {
  const driver = new MysqlDriver(source, deps.logger);
  const introspector = new MysqlIntrospector(driver, source.parsed.database);
  let posture: Promise<Posture> | undefined;
  const storedFunctions = new StoredFunctions(driver);
  const policyFor = (signal: AbortSignal | undefined): FunctionPolicy => ({
    stored: (names) => storedFunctions.among(names, signal),
    allowed: new Set(source.allow_functions.map((n) => n.toLowerCase())),
    database: source.parsed.database,
  });
  return {
    name: 'mysql',
    capabilities: { schemas: true, cancel: true },
    async serverInfo(): Promise<MysqlServerInfo> {
      const server = await driver.server();
      return { engine: 'mysql', variant: server.variant, version: server.version, full_version: server.full };
    },
    posture() {
      posture ??= mysqlPosture(driver);
      posture.catch(() => (posture = undefined));
      return posture;
    },
    async classify(sql, _params, signal) {
      const { variant } = await driver.server();
      return classify(sql, variant, (tables) => behindViews(driver, variant, tables, signal), policyFor(signal));
    },
    runRead: (q) => runRead(driver, q),
    async explain(q) {
      const { variant } = await driver.server();
      return explainMysql(driver, variant, source.parsed.database, q);
    },
    executeChange: (sql, opts) => executeMysqlChange(source, sql, opts),
    listSchemas: () => introspector.listSchemas(),
    listTables: (filter) => introspector.listTables(filter),
    describeTables: (refs) => introspector.describeTables(refs),
    columnStats: (table, columns) => mysqlColumnStats((q) => runRead(driver, q), table, columns),
    indexAdvisor: createIndexAdvisor(driver, source, deps),
    migrations: createMigrations(driver, source, deps),
    backups: createBackups(driver, source, deps),
    health: createHealth(driver, source, deps),
    close: () => driver.close(),
  };
}
