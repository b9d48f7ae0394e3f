/** Server status counters and variables by name, through SHOW (MySQL 8 dropped information_schema.GLOBAL_STATUS). */
import type { MysqlDriver } from '../core/driver.js';

type VarRow = { Variable_name: string; Value: string };

async function show(
  driver: MysqlDriver,
  kind: 'STATUS' | 'VARIABLES',
  names: readonly string[],
): Promise<Record<string, string>> {
  const rows = await driver.catalog<VarRow>(
    `SHOW GLOBAL ${kind} WHERE Variable_name IN (${names.map(() => '?').join(', ')})`,
    names,
  );
  return Object.fromEntries(rows.map((r) => [r.Variable_name.toLowerCase(), r.Value]));
}

export const globalStatus = (driver: MysqlDriver, names: readonly string[]) => show(driver, 'STATUS', names);
export const globalVariables = (driver: MysqlDriver, names: readonly string[]) => show(driver, 'VARIABLES', names);

/** Index sizes (InnoDB pages x page size) by `schema.table.index`; empty when the login cannot read mysql.innodb_index_stats. */
export async function indexSizes(driver: MysqlDriver): Promise<Map<string, number>> {
  try {
    const rows = await driver.catalog<{ k: string; bytes: string | number }>(
      `SELECT CONCAT(database_name, '.', table_name, '.', index_name) AS k, stat_value * @@innodb_page_size AS bytes FROM mysql.innodb_index_stats WHERE stat_name = 'size'`,
    );
    return new Map(rows.map((r) => [r.k, Number(r.bytes)]));
  } catch {
    return new Map();
  }
}

/** Whether the account may see every session (PROCESS, or SUPER on old servers), from its own grants. */
export async function seesAllSessions(driver: MysqlDriver): Promise<boolean> {
  const grants = await driver.catalog<Record<string, string>>('SHOW GRANTS');
  return grants.some((row) =>
    Object.values(row).some((g) => /^GRANT (ALL PRIVILEGES|.*\b(PROCESS|SUPER)\b).* ON \*\.\* TO/i.test(g)),
  );
}
