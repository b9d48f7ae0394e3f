/** MySQL/MariaDB index checks (duplicate / redundant, unused) and auto-increment counters near their type's limit. */
import type { HealthCheck } from '../../contract/health.js';
import { level, ok, plural } from '../../kit/health/judge.js';
import {
  overlapFinding,
  unusedFinding,
  type DefinedIndex,
  type TableIndexes,
} from '../../kit/health/index-findings.js';
import type { MysqlDriver } from '../core/driver.js';
import { indexSizes } from './vars.js';
import { mysqlIndexUsage, SYSTEM_SCHEMAS } from '../index-advisor/index-usage.js';

const ident = (s: string) => `\`${s.replace(/`/g, '``')}\``;
export const mysqlDropIndex = (schema: string, table: string, index: string) =>
  `ALTER TABLE ${ident(schema)}.${ident(table)} DROP INDEX ${ident(index)}, ALGORITHM=INPLACE, LOCK=NONE;`;

interface StatRow {
  schema: string;
  table: string;
  index: string;
  non_unique: number | string;
  seq: number | string;
  column: string | null;
  sub_part: number | string | null;
  collation: string | null;
  type: string;
}

const STATISTICS_SQL = `
  SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS \`table\`, INDEX_NAME AS \`index\`, NON_UNIQUE AS non_unique, SEQ_IN_INDEX AS seq,
    COLUMN_NAME AS \`column\`, SUB_PART AS sub_part, COLLATION AS collation, INDEX_TYPE AS type
  FROM information_schema.STATISTICS WHERE TABLE_SCHEMA NOT IN ${SYSTEM_SCHEMAS} AND (? IS NULL OR TABLE_SCHEMA = ?)
  ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`;

/** A key part as the engine prints it: name, (prefix length), DESC; a functional part (MySQL 8) gets a name of its own so it never matches another. */
function keyPart(r: StatRow): string {
  const base =
    r.column === null ? `(expression in ${r.index})` : r.sub_part !== null ? `${r.column}(${r.sub_part})` : r.column;
  return r.collation === 'D' ? `${base} DESC` : base;
}

function definitionOf(index: DefinedIndex): string {
  const kind = index.primary
    ? 'PRIMARY KEY'
    : index.unique
      ? `UNIQUE KEY ${ident(index.name)}`
      : index.method === 'FULLTEXT' || index.method === 'SPATIAL'
        ? `${index.method} KEY ${ident(index.name)}`
        : `KEY ${ident(index.name)}`;
  return `${kind} (${index.columns.map((c) => c.replace(/^(\w+)/, (m) => ident(m))).join(', ')})${index.method && !['FULLTEXT', 'SPATIAL'].includes(index.method) ? ` USING ${index.method}` : ''}`;
}

/** The indexes of every table of `database` (the source's), or of every non-system database when it names none. */
export async function mysqlTableIndexes(driver: MysqlDriver, database: string | null): Promise<TableIndexes[]> {
  const [rows, sizes] = await Promise.all([
    driver.catalog<StatRow>(STATISTICS_SQL, [database, database]),
    indexSizes(driver),
  ]);
  const tables = new Map<string, TableIndexes>();
  const indexes = new Map<string, DefinedIndex>();
  for (const r of rows) {
    const tkey = `${r.schema}.${r.table}`;
    const table = tables.get(tkey) ?? { schema: r.schema, table: r.table, indexes: [] };
    tables.set(tkey, table);
    const ikey = `${tkey}.${r.index}`;
    let index = indexes.get(ikey);
    if (!index) {
      index = {
        name: r.index,
        columns: [],
        include: [],
        unique: Number(r.non_unique) === 0,
        primary: r.index === 'PRIMARY',
        method: r.type,
        predicate: null,
        valid: true,
        definition: '',
        size_bytes: sizes.get(ikey) ?? null,
      };
      indexes.set(ikey, index);
      table.indexes.push(index);
    }
    index.columns.push(keyPart(r));
  }
  for (const index of indexes.values()) index.definition = definitionOf(index);
  return [...tables.values()];
}

export function duplicateIndexes(driver: MysqlDriver, database: string | null): HealthCheck {
  return async () => overlapFinding(await mysqlTableIndexes(driver, database), mysqlDropIndex);
}

export function unusedIndexes(driver: MysqlDriver, database: string | null): HealthCheck {
  return async ({ thresholds }) => {
    const [usage, tables] = await Promise.all([
      mysqlIndexUsage(driver, database ? { schema: database } : {}),
      mysqlTableIndexes(driver, database),
    ]);
    const definitions = new Map(
      tables.flatMap((t) => t.indexes.map((i) => [`${t.schema}.${t.table}.${i.name}`, i.definition] as const)),
    );
    // An index that backs a foreign key cannot be dropped while the key exists: leave those out.
    const fkBacked = await foreignKeyIndexes(driver, tables);
    return unusedFinding({ usage, thresholds, definitions, constraintBacked: fkBacked, dropSql: mysqlDropIndex });
  };
}

/** Indexes InnoDB needs for a foreign key: the first index whose leading columns are the key's columns. */
async function foreignKeyIndexes(driver: MysqlDriver, tables: readonly TableIndexes[]): Promise<Set<string>> {
  const fks = await driver.catalog<{ schema: string; table: string; name: string; columns: string }>(`
    SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS \`table\`, CONSTRAINT_NAME AS name, GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION) AS columns
    FROM information_schema.KEY_COLUMN_USAGE WHERE REFERENCED_TABLE_NAME IS NOT NULL AND TABLE_SCHEMA NOT IN ${SYSTEM_SCHEMAS}
    GROUP BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME`);
  const out = new Set<string>();
  for (const fk of fks) {
    const cols = fk.columns.split(',');
    const table = tables.find((t) => t.schema === fk.schema && t.table === fk.table);
    const backing = table?.indexes.filter((i) => cols.every((c, n) => i.columns[n] === c));
    for (const i of backing ?? []) out.add(`${fk.schema}.${fk.table}.${i.name}`);
  }
  return out;
}

const LIMITS: Record<string, [signed: bigint, unsigned: bigint]> = {
  tinyint: [127n, 255n],
  smallint: [32767n, 65535n],
  mediumint: [8388607n, 16777215n],
  int: [2147483647n, 4294967295n],
  integer: [2147483647n, 4294967295n],
  bigint: [9223372036854775807n, 18446744073709551615n],
};

export function autoIncrement(driver: MysqlDriver, database: string | null): HealthCheck {
  return async ({ thresholds: t }) => {
    const rows = await driver.catalog<{
      schema: string;
      table: string;
      next: string | number;
      column: string;
      data_type: string;
      column_type: string;
    }>(
      `
      SELECT t.TABLE_SCHEMA AS \`schema\`, t.TABLE_NAME AS \`table\`, t.AUTO_INCREMENT AS next, c.COLUMN_NAME AS \`column\`, LOWER(c.DATA_TYPE) AS data_type, c.COLUMN_TYPE AS column_type
      FROM information_schema.TABLES t JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME AND c.EXTRA LIKE '%auto_increment%'
      WHERE t.AUTO_INCREMENT IS NOT NULL AND t.TABLE_SCHEMA NOT IN ${SYSTEM_SCHEMAS} AND (? IS NULL OR t.TABLE_SCHEMA = ?)`,
      [database, database],
    );
    const counters = rows
      .map((r) => {
        const limits = LIMITS[r.data_type];
        if (!limits) return null;
        const max = /unsigned/i.test(r.column_type) ? limits[1] : limits[0];
        const used = BigInt(String(r.next)) - 1n;
        const usedPct = Math.round(Number((used * 10_000n) / max)) / 100;
        return {
          table: `${r.schema}.${r.table}`,
          column: r.column,
          column_type: r.column_type,
          last_value: used.toString(),
          max_value: max.toString(),
          used_pct: usedPct,
        };
      })
      .filter((c): c is NonNullable<typeof c> => c !== null)
      .sort((a, b) => b.used_pct - a.used_pct);
    const near = counters.filter((c) => c.used_pct >= t.sequence_warn_pct).slice(0, 20);
    const note =
      'AUTO_INCREMENT from information_schema.TABLES (MySQL 8 caches it for information_schema_stats_expiry seconds)';
    if (near.length === 0)
      return ok(
        `no auto-increment counter past ${t.sequence_warn_pct}% of its column's limit (highest ${counters[0]?.used_pct ?? 0}%)`,
        { note },
      );
    return {
      status: level(near[0]!.used_pct, t.sequence_warn_pct, t.sequence_fail_pct),
      message: `${plural(near.length, 'auto-increment counter')} near the column's limit: ${near.map((c) => `${c.table}.${c.column} ${c.column_type} at ${c.last_value} of ${c.max_value} (${c.used_pct}%)`).join(', ')}`,
      evidence: { note, counters: near },
      fix: 'Widen the column before inserts fail with "Duplicate entry" / "Out of range" (plan_migration: ALTER TABLE ... MODIFY ... BIGINT UNSIGNED rebuilds the table; pt-online-schema-change or gh-ost avoid the long lock).',
    };
  };
}
