/** The tables a pg_dump carries data of, and their exact row counts, on any connection. */
import type pg from 'pg';
import type { TableCount } from '../../contract/backups.js';

/** Ordinary tables (partitions included) outside the system schemas that no extension owns. */
const TABLES = `
SELECT n.nspname AS schema, c.relname AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND c.relpersistence <> 't'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2`;

export async function pgTableCounts(client: pg.Client): Promise<TableCount[]> {
  const { rows } = await client.query<{ schema: string; name: string }>(TABLES);
  const counts: TableCount[] = [];
  for (const t of rows) {
    const res = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${client.escapeIdentifier(t.schema)}.${client.escapeIdentifier(t.name)}`,
    );
    counts.push({ table: `${t.schema}.${t.name}`, rows: Number(res.rows[0]?.n ?? 0) });
  }
  return counts;
}
