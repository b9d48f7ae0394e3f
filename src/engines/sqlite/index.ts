import type { ResolvedSource } from '../../config/load.js';
import type { EngineAdapter, EngineDeps, ServerInfo } from '../types.js';
import { SqliteDriver } from './driver.js';
import { SqliteIntrospector } from './introspector.js';

export function createEngine(source: ResolvedSource, _deps: EngineDeps): EngineAdapter {
  const driver = new SqliteDriver(source);
  const introspector = new SqliteIntrospector(driver);
  let info: ServerInfo | undefined;
  return {
    name: 'sqlite',
    capabilities: { schemas: false, cancel: false },
    async serverInfo() {
      info ??= { engine: 'sqlite', variant: 'sqlite', version: driver.all<{ v: string }>('SELECT sqlite_version() AS v')[0]!.v };
      return info;
    },
    runRead: async (q) => driver.runRead(q),
    listSchemas: async () => introspector.listSchemas(),
    listTables: async (filter) => introspector.listTables(filter),
    describeTables: async (refs) => introspector.describeTables(refs),
    close: async () => driver.close(),
  };
}
