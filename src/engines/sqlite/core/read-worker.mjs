// @ts-check
/**
 * Runs user reads for one SQLite source off the main thread, so a runaway statement can be
 * stopped: the main thread terminates this worker on timeout or cancellation. Plain JavaScript so
 * it runs as is from src/ (tests) and from dist/ (the bundle copies it).
 * In: { id, sql, params, maxRows }. Out: { id, ok: true, columns, rows, truncated } or { id, ok: false, error }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {import('better-sqlite3').Database | undefined} */
let db;

function open() {
  if (!db) {
    db = new Database(workerData.file, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
  }
  return db;
}

/** @param {unknown} value */
function toCell(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  return typeof value === 'string' ? value : String(value);
}

/** @param {unknown} value */
function storageClass(value) {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint') return 'integer';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'real';
  return Buffer.isBuffer(value) ? 'blob' : 'text';
}

/** @param {{ sql: string, params: unknown[], maxRows: number }} q */
function run(q) {
  const stmt = open().prepare(q.sql);
  if (!stmt.readonly || !stmt.reader) {
    return { notRead: true };
  }
  stmt.raw(true).safeIntegers(true);
  /** @type {unknown[][]} */
  const raw = [];
  for (const row of /** @type {IterableIterator<unknown[]>} */ (stmt.iterate(...q.params))) {
    raw.push(row);
    if (raw.length > q.maxRows) break;
  }
  const truncated = raw.length > q.maxRows;
  const kept = truncated ? raw.slice(0, q.maxRows) : raw;
  const columns = stmt.columns().map((c, i) => ({
    name: c.name,
    type: c.type?.toLowerCase() || kept.map((r) => storageClass(r[i])).find(Boolean) || 'unknown',
    ...(c.table && c.column ? { origin: { schema: c.database ?? undefined, table: c.table, column: c.column } } : {}),
  }));
  return { columns, rows: kept.map((row) => row.map(toCell)), truncated };
}

parentPort?.on('message', (/** @type {{ id: number, sql: string, params: unknown[], maxRows: number }} */ q) => {
  try {
    parentPort?.postMessage({ id: q.id, ok: true, ...run(q) });
  } catch (err) {
    const e = /** @type {Error & { code?: string }} */ (err);
    parentPort?.postMessage({ id: q.id, ok: false, error: { name: e.name, code: e.code, message: e.message } });
  }
});
