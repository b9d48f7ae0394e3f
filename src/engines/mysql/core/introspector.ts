/**
 * Catalog reads for describe_schema, from information_schema only (no SHOW, no locks taken).
 * A MySQL "schema" is a database. When the DSN names a database, the listings keep to it unless
 * a schema is asked for by name.
 */
import type { TableDetail, TableFilter, TableRef, TableSummary } from '../../contract/engine.js';
import {
  bySchemaAndName,
  groupBy,
  keyOf,
  refScope,
  schemaScope,
  summarySql,
  toSummary,
  type SummaryRow,
} from './catalog.js';
import {
  columnsSql,
  foreignKeysSql,
  indexesSql,
  toColumn,
  toForeignKeys,
  toIndexes,
  type ColumnRow,
  type ForeignKeyRow,
  type IndexRow,
} from './describe.js';
import type { MysqlDriver } from './driver.js';

export class MysqlIntrospector {
  constructor(
    private readonly driver: MysqlDriver,
    /** The database the DSN names, if any. */
    private readonly database: string | undefined,
  ) {}

  async listSchemas(): Promise<string[]> {
    const scope = schemaScope('SCHEMA_NAME', this.database);
    const rows = await this.driver.catalog<{ name: string }>(
      `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE ${scope.where} ORDER BY SCHEMA_NAME`,
      scope.params,
    );
    return rows.map((r) => r.name);
  }

  async listTables(filter: TableFilter = {}): Promise<TableSummary[]> {
    const scope = schemaScope('TABLE_SCHEMA', filter.schema ?? this.database);
    const rows = await this.driver.catalog<SummaryRow>(summarySql(scope.where), scope.params);
    return rows.map(toSummary).sort(bySchemaAndName);
  }

  async describeTables(refs: readonly TableRef[]): Promise<TableDetail[]> {
    if (refs.length === 0) return [];
    const server = await this.driver.server();
    const plain = refScope(refs);
    const [summaries, columns, fks, indexes] = await Promise.all([
      this.driver.catalog<SummaryRow>(summarySql(plain.where), plain.params),
      this.driver.catalog<ColumnRow>(columnsSql(plain), plain.params),
      this.driver.catalog<ForeignKeyRow>(foreignKeysSql(refScope(refs, 'k.')), plain.params),
      this.driver.catalog<IndexRow>(indexesSql(plain, server), plain.params),
    ]);
    const found = new Map(summaries.map((s) => [keyOf(s.table_schema, s.table_name), s]));
    // The server may match names case-insensitively (lower_case_table_names); so do we, second.
    const foundFolded = new Map(summaries.map((s) => [keyOf(s.table_schema, s.table_name).toLowerCase(), s]));
    const columnsBy = groupBy(columns);
    const fksBy = groupBy(fks);
    const indexesBy = groupBy(indexes);
    return refs.flatMap((ref): TableDetail[] => {
      const asked = keyOf(ref.schema, ref.name);
      const summary = found.get(asked) ?? foundFolded.get(asked.toLowerCase());
      if (!summary) return [];
      const key = keyOf(summary.table_schema, summary.table_name);
      const tableIndexes = toIndexes(indexesBy.get(key) ?? []);
      const primary = tableIndexes.find((i) => i.primary);
      return [
        {
          ...toSummary(summary),
          columns: (columnsBy.get(key) ?? []).map((c) => toColumn(c, server)),
          primary_key: primary ? primary.columns : null,
          foreign_keys: toForeignKeys(fksBy.get(key) ?? []),
          indexes: tableIndexes,
        },
      ];
    });
  }
}
