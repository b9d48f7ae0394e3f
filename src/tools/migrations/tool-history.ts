/**
 * Migration tools already in use, found by their history tables (Flyway, Liquibase, Prisma,
 * Rails, Alembic, Knex, Drizzle, golang-migrate), with the latest version each has applied.
 * Read through the engine's read path only.
 */
import type { EngineAdapter, TableSummary } from '../../engines/contract/engine.js';
import type { ToolHistory } from '../../engines/contract/migrations.js';

interface ToolTable {
  tool: string;
  table: string;
  /** Columns that must exist to tell tools sharing a table name apart (Rails vs golang-migrate). */
  needs?: string;
  /** SELECT <version>, <applied_at> FROM {t} ...: the latest applied version. */
  latest: string;
}

const TOOLS: ToolTable[] = [
  {
    tool: 'Flyway',
    table: 'flyway_schema_history',
    latest: 'SELECT version, installed_on FROM {t} ORDER BY installed_rank DESC',
  },
  {
    tool: 'Liquibase',
    table: 'databasechangelog',
    latest: 'SELECT id, dateexecuted FROM {t} ORDER BY orderexecuted DESC',
  },
  {
    tool: 'Prisma',
    table: '_prisma_migrations',
    latest: 'SELECT migration_name, finished_at FROM {t} WHERE finished_at IS NOT NULL ORDER BY finished_at DESC',
  },
  { tool: 'golang-migrate', table: 'schema_migrations', needs: 'dirty', latest: 'SELECT version, dirty FROM {t}' },
  {
    tool: 'Rails',
    table: 'schema_migrations',
    latest: 'SELECT version, NULL AS applied FROM {t} ORDER BY version DESC',
  },
  { tool: 'Alembic', table: 'alembic_version', latest: 'SELECT version_num, NULL AS applied FROM {t}' },
  { tool: 'Knex', table: 'knex_migrations', latest: 'SELECT name, migration_time FROM {t} ORDER BY id DESC' },
  {
    tool: 'Drizzle',
    table: '__drizzle_migrations',
    latest: 'SELECT hash, created_at FROM {t} ORDER BY created_at DESC',
  },
];

async function latest(
  engine: EngineAdapter,
  quote: (s: string) => string,
  tool: ToolTable,
  found: TableSummary,
): Promise<ToolHistory> {
  const t = engine.capabilities.schemas ? `${quote(found.schema)}.${quote(found.name)}` : quote(found.name);
  try {
    const res = await engine.runRead({ sql: tool.latest.replace('{t}', t), maxRows: 1, timeoutMs: 5_000 });
    const row = res.rows[0];
    return {
      tool: tool.tool,
      table: `${found.schema}.${found.name}`,
      latest_version: row?.[0] === undefined || row[0] === null ? null : String(row[0]),
      applied_at: row?.[1] === undefined || row[1] === null ? null : String(row[1]),
    };
  } catch {
    return { tool: tool.tool, table: `${found.schema}.${found.name}`, latest_version: null, applied_at: null };
  }
}

export async function detectMigrationTools(
  engine: EngineAdapter,
  quote: (s: string) => string,
): Promise<ToolHistory[]> {
  const tables = await engine.listTables();
  const out: ToolHistory[] = [];
  const claimed = new Set<string>();
  for (const tool of TOOLS) {
    for (const found of tables.filter((x) => x.name.toLowerCase() === tool.table && x.kind === 'table')) {
      const key = `${found.schema}.${found.name}`;
      if (claimed.has(key)) continue;
      if (tool.needs) {
        const [detail] = await engine.describeTables([found]);
        if (!detail?.columns.some((c) => c.name.toLowerCase() === tool.needs)) continue;
      }
      claimed.add(key);
      out.push(await latest(engine, quote, tool, found));
    }
  }
  return out;
}
