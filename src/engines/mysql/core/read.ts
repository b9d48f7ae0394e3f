/**
 * The read path. Every read runs as
 *   START TRANSACTION READ ONLY   on a session that is itself READ ONLY and time-limited
 *   the statement                 text protocol, at most maxRows + 1 rows kept
 *   ROLLBACK                      after the answer is in hand, off the caller's clock
 * A client abort, or a statement running well past its limit, is stopped with KILL QUERY.
 */
import { orCallSignal } from '../../../core/call-signal.js';
import type { QueryResult, ReadQuery } from '../../contract/engine.js';
import { collectRows, type Collected } from './collect.js';
import { coreOf, type MysqlDriver } from './driver.js';
import { cancelledError, serverFileError } from './errors.js';
import { Interrupter } from './interrupt.js';
import { inspectSql, leavesSessionClean } from './statements.js';
import { float32Cell, float32Columns, toColumns, toRow } from './values.js';

export async function runRead(driver: MysqlDriver, read: ReadQuery): Promise<QueryResult> {
  const signal = orCallSignal(read.signal);
  const q: ReadQuery = signal ? { ...read, signal } : read;
  if (q.signal?.aborted) throw cancelledError();
  const shape = inspectSql(q.sql);
  if (shape.writesServerFile) throw serverFileError();
  const conn = await driver.begin(q.timeoutMs);
  const reusable = leavesSessionClean(shape); // else SET, USE, GET_LOCK... may have changed the session
  const collection = collectRows(coreOf(conn), q.sql, q.params, q.maxRows + 1);
  const threadId = conn.threadId;
  const stop = new Interrupter(() => driver.kill(threadId), q);
  try {
    return toResult(await Promise.race([collection.result, stop.interrupted]), q.maxRows);
  } catch (err) {
    throw driver.toToolError(err, { sql: q.sql, timeoutMs: q.timeoutMs });
  } finally {
    stop.dispose();
    void driver.finishRead(conn, collection.finished, stop.fired ? 'discard' : reusable ? 'keep' : 'reset');
  }
}

function toResult(got: Collected, maxRows: number): QueryResult {
  const truncated = got.rows.length > maxRows;
  const kept = truncated ? got.rows.slice(0, maxRows) : got.rows;
  const rows = kept.map(toRow);
  for (const i of float32Columns(got.fields)) for (const row of rows) row[i] = float32Cell(row[i]!);
  return { columns: toColumns(got.fields), rows, truncated };
}
