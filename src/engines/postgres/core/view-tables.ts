/** The base tables behind the relations a statement names: views and materialized views, followed all the way down. */
import type { TableName } from '../../../core/classification.js';
import type { PgDriver } from './driver.js';

const BEHIND_VIEWS_SQL = `
  WITH RECURSIVE rels AS (
    SELECT c.oid, n.nspname, c.relname, c.relkind
    FROM unnest($1::text[], $2::text[]) AS r(schema, name)
    JOIN pg_class c ON c.relname = r.name JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE CASE WHEN r.schema = '' THEN n.nspname = ANY (current_schemas(true)) ELSE n.nspname = r.schema END
    UNION
    SELECT c2.oid, n2.nspname, c2.relname, c2.relkind
    FROM rels
    JOIN pg_rewrite rw ON rw.ev_class = rels.oid AND rels.relkind IN ('v', 'm')
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
    JOIN pg_class c2 ON c2.oid = d.refobjid AND c2.oid <> rels.oid
    JOIN pg_namespace n2 ON n2.oid = c2.relnamespace)
  SELECT DISTINCT nspname AS schema, relname AS name FROM rels`;

export async function tablesBehindViews(
  driver: PgDriver,
  tables: readonly TableName[],
  signal?: AbortSignal,
): Promise<TableName[]> {
  if (tables.length === 0) return [];
  return driver.catalog<TableName>(
    BEHIND_VIEWS_SQL,
    [tables.map((t) => t.schema ?? ''), tables.map((t) => t.name)],
    signal,
  );
}
