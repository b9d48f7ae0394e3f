/**
 * Server features scripts/test-databases.sh turns on for MariaDB (performance_schema with statement
 * digests, binary logging). A test of the ON state skips without them outside CI, with the reason
 * printed, and fails in CI (the script must have configured the server there); a test of the OFF
 * state skips, with the reason printed, when the server has the feature on.
 */
import mysql from 'mysql2/promise';
import { MYSQL_URL } from './databases.js';

export type MysqlFeature = 'performance_schema' | 'log_bin';

/** Whether the test server has the feature on; undefined when it cannot be reached. */
export async function mysqlFeatureOn(feature: MysqlFeature): Promise<boolean | undefined> {
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
    const [rows] = await conn.query(`SELECT @@GLOBAL.${feature} AS v`);
    return Number((rows as { v: number | string }[])[0]!.v) === 1;
  } catch {
    return undefined;
  } finally {
    await conn?.end().catch(() => {});
  }
}

/** True (skip) when the feature is off outside CI; in CI never: the ON-state test runs and fails. */
export async function skipUnlessMysqlFeature(feature: MysqlFeature): Promise<boolean> {
  const on = await mysqlFeatureOn(feature);
  if (on !== false || process.env.CI) return false;
  process.stderr.write(
    `[skip] MariaDB ${feature}=ON tests: the server has ${feature} off (scripts/test-databases.sh turns it on, as root)\n`,
  );
  return true;
}

/** True (skip) when the server has the feature on: the OFF-state message is tested by unit tests then. */
export async function skipUnlessMysqlFeatureOff(feature: MysqlFeature, what: string): Promise<boolean> {
  const on = await mysqlFeatureOn(feature);
  if (on !== true) return false;
  process.stderr.write(`[skip] ${what}: the server has ${feature} ON (the OFF wording is covered by unit tests)\n`);
  return true;
}

/**
 * Makes room in the statement digest table when it is (nearly) full: past
 * performance_schema_digests_size rows the server counts new statements in one catch-all row, and
 * a test would not find its own. Truncating it is what an admin does to start a new measurement.
 */
export async function ensureDigestRoom(conn: mysql.Connection): Promise<void> {
  const [rows] = await conn.query(
    'SELECT (SELECT COUNT(*) FROM performance_schema.events_statements_summary_by_digest) AS used, @@performance_schema_digests_size AS size',
  );
  const { used, size } = (rows as { used: number | string; size: number | string }[])[0]!;
  if (Number(size) > 0 && Number(used) >= Number(size) - 200)
    await conn.query('TRUNCATE TABLE performance_schema.events_statements_summary_by_digest');
}
