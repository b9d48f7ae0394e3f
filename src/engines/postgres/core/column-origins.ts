/**
 * Which table column each result column is read from, from the RowDescription's table oid and
 * attribute number, named through the catalog once and cached for a minute.
 */
import type pg from 'pg';
import type { ColumnMeta } from '../../contract/engine.js';

const CACHE_MS = 60_000;

const ORIGINS_SQL = `
  SELECT a.attrelid::int AS rel, a.attnum::int AS num, n.nspname AS schema, c.relname AS "table", a.attname AS column
  FROM unnest($1::oid[], $2::int2[]) AS f(rel, num)
  JOIN pg_attribute a ON a.attrelid = f.rel AND a.attnum = f.num
  JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace`;

export interface FieldSource {
  tableID: number;
  columnID: number;
}

type Origin = NonNullable<ColumnMeta['origin']>;

export class ColumnOrigins {
  readonly #cache = new Map<string, { origin: Origin | undefined; until: number }>();

  async resolve(client: pg.PoolClient, fields: readonly FieldSource[]): Promise<(Origin | undefined)[]> {
    const now = Date.now();
    const key = (f: FieldSource) => `${f.tableID}:${f.columnID}`;
    const missing = fields.filter((f) => f.tableID !== 0 && (this.#cache.get(key(f))?.until ?? 0) < now);
    if (missing.length) {
      const res = await client.query<{ rel: number; num: number } & Origin>(ORIGINS_SQL, [
        missing.map((f) => f.tableID),
        missing.map((f) => f.columnID),
      ]);
      const found = new Map(
        res.rows.map((r) => [`${r.rel}:${r.num}`, { schema: r.schema, table: r.table, column: r.column }]),
      );
      for (const f of missing) this.#cache.set(key(f), { origin: found.get(key(f)), until: now + CACHE_MS });
    }
    return fields.map((f) => (f.tableID === 0 ? undefined : this.#cache.get(key(f))?.origin));
  }
}
