/**
 * Connection options from a source, shared by the pool and the short-lived connection that runs
 * KILL QUERY. Only options we choose: DSN query parameters are not passed through, so nothing in
 * a DSN can turn on multipleStatements or LOCAL INFILE.
 */
import mysql from 'mysql2/promise';
import type { Connection, ConnectionOptions, PoolOptions } from 'mysql2/promise';
import type { Logger } from '../../../core/logging.js';
import type { EngineSource } from '../../contract/engine.js';

export interface Endpoint {
  host: string;
  port: number;
  /** host:port, for messages. */
  where: string;
}

export function endpointOf(source: EngineSource): Endpoint {
  const url = source.parsed.url!;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const port = url.port ? Number(url.port) : 3306;
  return { host, port, where: `${url.hostname || 'localhost'}:${port}` };
}

export function connectionOptions(source: EngineSource): ConnectionOptions {
  const url = source.parsed.url!;
  const { host, port } = endpointOf(source);
  return {
    host,
    port,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    ...(source.parsed.database ? { database: source.parsed.database } : {}),
    multipleStatements: false,
    flags: ['-LOCAL_FILES', '-MULTI_STATEMENTS'],
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    jsonStrings: true,
    connectTimeout: source.limits.connect_timeout_ms,
    enableKeepAlive: true,
    // our own parametrized catalog queries stay prepared per connection; bounded, so a connection never holds many
    maxPreparedStatements: 64,
  };
}

export function poolOptions(source: EngineSource): PoolOptions {
  const size = source.limits.pool_size;
  return {
    ...connectionOptions(source),
    connectionLimit: size,
    maxIdle: size,
    idleTimeout: 60_000,
    waitForConnections: true,
    queueLimit: 0,
  };
}

/** A secret-free version of any text: the DSN password and the DSN itself are replaced. */
export function redactorFor(source: EngineSource): (text: string) => string {
  const password = decodeURIComponent(source.parsed.url?.password ?? '');
  return (text) => {
    let out = text.split(source.dsn).join(source.redactedDsn);
    if (password) out = out.split(password).join('***');
    return out;
  };
}

/** Runs KILL QUERY for a thread from its own short-lived connection; failures are logged, not thrown. */
export async function killQuery(source: EngineSource, threadId: number, logger: Logger): Promise<void> {
  let killer: Connection | undefined;
  try {
    killer = await mysql.createConnection(connectionOptions(source));
    // A late socket error on a throwaway connection is not news, and must not go unhandled.
    (killer as unknown as { connection: NodeJS.EventEmitter }).connection.on('error', () => {});
    await killer.query('KILL QUERY ?', [threadId]);
  } catch (err) {
    logger.warn({ source: source.id, threadId, err: (err as Error).message }, 'could not kill a running MySQL query');
  } finally {
    await killer?.end().catch(() => killer?.destroy());
  }
}
