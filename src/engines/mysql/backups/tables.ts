/** The base tables of one database and their exact row counts. */
import type mysql from 'mysql2/promise';
import type { TableCount } from '../../contract/backups.js';

export async function mysqlTableCounts(conn: mysql.Connection, database: string): Promise<TableCount[]> {
  const [rows] = await conn.execute(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY 1`,
    [database],
  );
  const counts: TableCount[] = [];
  for (const { t } of rows as { t: string }[]) {
    const [res] = await conn.query(`SELECT count(*) AS n FROM ${conn.escapeId(database)}.${conn.escapeId(t)}`);
    counts.push({ table: t, rows: Number((res as { n: string | number }[])[0]?.n ?? 0) });
  }
  return counts;
}
