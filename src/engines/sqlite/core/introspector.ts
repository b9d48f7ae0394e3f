/**
 * Catalog reads for SQLite through the table-valued PRAGMA functions. Row estimates come from
 * sqlite_stat1 (after ANALYZE); sizes from the dbstat table when the file is small enough to scan.
 */
import type {
  ColumnInfo,
  ForeignKeyInfo,
  IndexInfo,
  TableDetail,
  TableFilter,
  TableRef,
  TableSummary,
} from '../../contract/engine.js';
import type { SqliteDriver } from './driver.js';
import { indexExpressions, indexPredicate } from '../index-advisor/index-sql.js';

/** dbstat reads every page; above this size the sizes are left unknown rather than slow. */
const SIZE_SCAN_LIMIT_BYTES = 256 * 1024 * 1024;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface SchemaRow {
  name: string;
  type: 'table' | 'view';
}

export class SqliteIntrospector {
  constructor(private readonly driver: SqliteDriver) {}

  listSchemas(): string[] {
    return this.driver
      .all<{ name: string }>(`SELECT name FROM pragma_database_list WHERE name <> 'temp' ORDER BY seq`)
      .map((r) => r.name);
  }

  listTables(filter: TableFilter = {}): TableSummary[] {
    const schemas = filter.schema ? this.listSchemas().filter((s) => s === filter.schema) : this.listSchemas();
    return schemas
      .flatMap((schema) => this.#tablesIn(schema))
      .sort((a, b) => a.schema.localeCompare(b.schema) || a.name.localeCompare(b.name));
  }

  #tablesIn(schema: string): TableSummary[] {
    const q = quoteIdent(schema);
    const rows = this.driver.all<SchemaRow>(
      `SELECT name, type FROM ${q}.sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`,
    );
    const counts = this.#rowEstimates(schema);
    const sizes = this.#sizes(schema);
    return rows.map((r) => ({
      schema,
      name: r.name,
      kind: r.type,
      row_estimate: r.type === 'table' ? (counts.get(r.name) ?? null) : null,
      size_bytes: r.type === 'table' ? (sizes?.get(r.name) ?? null) : null,
      comment: null,
    }));
  }

  #rowEstimates(schema: string): Map<string, number> {
    const q = quoteIdent(schema);
    const hasStats = this.driver.all(`SELECT 1 FROM ${q}.sqlite_schema WHERE name = 'sqlite_stat1'`).length > 0;
    if (!hasStats) return new Map();
    const rows = this.driver.all<{ tbl: string; stat: string }>(`SELECT tbl, stat FROM ${q}.sqlite_stat1`);
    return new Map(rows.map((r) => [r.tbl, Number.parseInt(r.stat, 10)]));
  }

  /** Bytes per table, its indexes included; undefined when dbstat is missing or the file is too big to scan. */
  #sizes(schema: string): Map<string, number> | undefined {
    const q = quoteIdent(schema);
    const [fileSize] = this.driver.all<{ bytes: number }>(
      `SELECT page_count * page_size AS bytes FROM pragma_page_count(${quoteSql(schema)}), pragma_page_size(${quoteSql(schema)})`,
    );
    if (!fileSize || fileSize.bytes > SIZE_SCAN_LIMIT_BYTES) return undefined;
    try {
      const rows = this.driver.all<{ tbl: string; bytes: number }>(
        `SELECT s.tbl_name AS tbl, SUM(d.pgsize) AS bytes FROM dbstat(${quoteSql(schema)}) d JOIN ${q}.sqlite_schema s ON s.name = d.name GROUP BY s.tbl_name`,
      );
      return new Map(rows.map((r) => [r.tbl, Number(r.bytes)]));
    } catch {
      return undefined;
    }
  }

  describeTables(refs: readonly TableRef[]): TableDetail[] {
    const bySchema = new Map<string, TableSummary[]>();
    return refs.flatMap((ref) => {
      if (!bySchema.has(ref.schema)) bySchema.set(ref.schema, this.listTables({ schema: ref.schema }));
      const summary = bySchema.get(ref.schema)!.find((t) => t.name === ref.name);
      return summary ? [this.#detail(summary)] : [];
    });
  }

  #detail(summary: TableSummary): TableDetail {
    const columns = this.driver.all<{
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
      hidden: number;
    }>(
      `SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?, ?) ORDER BY cid`,
      summary.name,
      summary.schema,
    );
    const pk = columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    return {
      ...summary,
      columns: columns
        .filter((c) => c.hidden !== 1)
        .map((c): ColumnInfo => ({
          name: c.name,
          type: c.type.toLowerCase(),
          nullable: c.notnull === 0 && c.pk === 0,
          default: c.dflt_value,
          comment: null,
        })),
      primary_key: pk.length > 0 ? pk : null,
      foreign_keys: this.#foreignKeys(summary),
      indexes: summary.kind === 'table' ? this.#indexes(summary) : [],
    };
  }

  #foreignKeys(t: TableRef): ForeignKeyInfo[] {
    const rows = this.driver.all<{
      id: number;
      seq: number;
      table: string;
      from: string;
      to: string | null;
      on_update: string;
      on_delete: string;
    }>(
      `SELECT id, seq, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?, ?) ORDER BY id, seq`,
      t.name,
      t.schema,
    );
    const byId = new Map<number, ForeignKeyInfo>();
    for (const r of rows) {
      const fk = byId.get(r.id) ?? {
        name: `fk_${t.name}_${r.id}`,
        columns: [],
        references: { schema: t.schema, name: r.table, columns: [] },
        on_delete: r.on_delete,
        on_update: r.on_update,
      };
      fk.columns.push(r.from);
      if (r.to !== null) fk.references.columns.push(r.to);
      byId.set(r.id, fk);
    }
    return [...byId.values()];
  }

  #indexes(t: TableRef): IndexInfo[] {
    const list = this.driver.all<{ name: string; unique: number; origin: string; partial: number }>(
      `SELECT name, "unique", origin, partial FROM pragma_index_list(?, ?)`,
      t.name,
      t.schema,
    );
    return list
      .map((idx) => {
        const [def] = this.driver.all<{ sql: string | null }>(
          `SELECT sql FROM ${quoteIdent(t.schema)}.sqlite_schema WHERE type = 'index' AND name = ?`,
          idx.name,
        );
        const keys = this.driver.all<{ cid: number; name: string | null }>(
          `SELECT cid, name FROM pragma_index_xinfo(?, ?) WHERE key = 1 ORDER BY seqno`,
          idx.name,
          t.schema,
        );
        const expressions = def?.sql ? indexExpressions(def.sql) : [];
        return {
          name: idx.name,
          columns: keys.map((k, i) => k.name ?? expressions[i] ?? '<expression>'),
          include: [],
          unique: idx.unique === 1,
          primary: idx.origin === 'pk',
          method: 'btree',
          predicate: idx.partial === 1 && def?.sql ? indexPredicate(def.sql) : null,
          valid: true,
        };
      })
      .sort((a, b) => Number(b.primary) - Number(a.primary) || a.name.localeCompare(b.name));
  }
}

function quoteSql(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
