import { createIndexAdvisor } from './index-advisor/ops.js';
import { createMigrations } from './migrations/ops.js';
import { createBackups } from './backups/ops.js';
import { createHealth } from './health/ops.js';
import type { CellValue, EngineAdapter, EngineDeps, Posture, ServerInfo, EngineSource } from '../contract/engine.js';
import { PgDriver } from './core/driver.js';
import { executePgChange } from './core/change.js';
import { explainPostgres } from './core/explain.js';
import { pgColumnStats } from './core/column-stats.js';
import { PgIntrospector } from './core/introspector.js';
import { FunctionJudge } from './core/function-verdicts.js';
import { pgPosture } from './core/posture.js';
import { callsBehindViews, tablesBehindViews, tablesInPlan } from './core/view-tables.js';
import { toPgToolError } from './core/errors.js';
import { classifyPostgres } from './core/sql/classify.js';
import type { Classification } from '../../core/classification.js';

/**
 * The parser's verdict, plus the catalog's on every function the statement calls, and (when the
 * source has a deny list) the tables behind any views it reads.
 */
async function classify(
  sql: string,
  params: readonly CellValue[] | undefined,
  judge: FunctionJudge,
  driver: PgDriver,
  expandViews: boolean,
  signal: AbortSignal | undefined,
): Promise<Classification> {
  const found = await classifyPostgres(sql);
  if (found.class !== 'read') {
    // a change through an updatable view reaches the tables behind it: deny_tables judges those too
    const judged =
      expandViews && found.class !== 'unknown' && found.tables.length
        ? { ...found, tables: [...found.tables, ...(await tablesBehindViews(driver, found.tables, signal))] }
        : found;
    // a change's functions are judged too (not to refuse it: a dry run must not run what a rollback does not undo)
    return found.class === 'unknown' || found.functions.length === 0
      ? judged
      : { ...judged, deniedFunctions: (await judge.judge(found.functions, signal)).denied };
  }
  // a read through a view runs what the view calls: judged like the statement's own calls
  const viewCalls = await callsBehindViews(driver, found.tables, signal);
  const [{ denied }, behind] = await Promise.all([
    judge.judge([...found.functions, ...viewCalls], signal),
    expandViews ? tablesBehindViews(driver, found.tables, signal) : [],
  ]);
  // never claimed session-neutral: built-ins call user code the text does not name (a type's
  // comparison support function, a cast, a domain check), so every read's session is reset
  const judged = { ...found, tables: [...found.tables, ...behind], deniedFunctions: denied };
  if (!expandViews || denied.length || found.statementType === 'ExplainStmt') return judged;
  // with a deny list, the tables as the planner resolves them (CTE scoping, partitions, inheritance)
  try {
    return { ...judged, tables: [...judged.tables, ...(await tablesInPlan(driver, sql, params ?? [], signal))] };
  } catch (err) {
    const failure = toPgToolError(err, 'the planner');
    return {
      ...judged,
      failure: {
        code: failure.code,
        message: `the statement could not be planned to name its tables: ${failure.message}`,
        hint: failure.hint,
      },
    };
  }
}

export function createEngine(source: EngineSource, deps: EngineDeps): EngineAdapter {
  const driver = new PgDriver(source, deps.logger);
  const introspector = new PgIntrospector(driver);
  const judge = new FunctionJudge(driver, source.allow_functions);
  let info: ServerInfo | undefined;
  let posture: Promise<Posture> | undefined;
  return {
    name: 'postgres',
    capabilities: { schemas: true, cancel: true, explainWrites: true, defaultSchema: 'public' },
    async serverInfo() {
      if (info) return info;
      const [row] = await driver.catalog<{ version: string }>(`SELECT current_setting('server_version') AS version`);
      info = { engine: 'postgres', variant: 'postgresql', version: (row?.version ?? 'unknown').replace(/\s.*$/, '') };
      return info;
    },
    posture() {
      posture ??= pgPosture(driver);
      posture.catch(() => (posture = undefined));
      return posture;
    },
    classify: (sql, params, signal) => classify(sql, params, judge, driver, source.deny_tables.length > 0, signal),
    runRead: (q) => driver.runRead(q),
    explain: (q) => explainPostgres(driver, q),
    executeChange: (sql, opts) => executePgChange(source, driver.where, sql, opts),
    listSchemas: () => introspector.listSchemas(),
    listTables: (filter) => introspector.listTables(filter),
    describeTables: (refs) => introspector.describeTables(refs),
    columnStats: (table, columns) => pgColumnStats(driver, table, columns),
    indexAdvisor: createIndexAdvisor(driver, source, deps),
    migrations: createMigrations(driver, source, deps),
    backups: createBackups(driver, source, deps),
    health: createHealth(driver, source, deps),
    close: () => driver.close(),
  };
}
