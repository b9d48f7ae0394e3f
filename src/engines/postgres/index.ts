import type { ResolvedSource } from '../../config/load.js';
import type { EngineAdapter, EngineDeps, ServerInfo } from '../types.js';
import { PgDriver } from './driver.js';
import { PgIntrospector } from './introspector.js';

export function createEngine(source: ResolvedSource, deps: EngineDeps): EngineAdapter {
  const driver = new PgDriver(source, deps.logger);
  const introspector = new PgIntrospector(driver);
  let info: ServerInfo | undefined;
  return {
    name: 'postgres',
    capabilities: { schemas: true, cancel: true },
    async serverInfo() {
      if (info) return info;
      const [row] = await driver.catalog<{ version: string }>(`SELECT current_setting('server_version') AS version`);
      info = { engine: 'postgres', variant: 'postgresql', version: (row?.version ?? 'unknown').replace(/\s.*$/, '') };
      return info;
    },
    runRead: (q) => driver.runRead(q),
    listSchemas: () => introspector.listSchemas(),
    listTables: (filter) => introspector.listTables(filter),
    describeTables: (refs) => introspector.describeTables(refs),
    close: () => driver.close(),
  };
}
