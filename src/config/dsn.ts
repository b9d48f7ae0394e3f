import path from 'node:path';
import { engineForScheme, KNOWN_SCHEMES, type EngineName } from '../engines/registry.js';

export interface ParsedDsn {
  engine: EngineName;
  /** The scheme as written (mariadb:// marks a MariaDB server in advance; detection still decides). */
  scheme: string;
  /** For sqlite: the absolute file path. */
  file?: string;
  /** For server engines: the database named in the path, if any. */
  database?: string;
  url?: URL;
}

export class DsnError extends Error {
  override readonly name = 'DsnError';
}

const SECRET_PARAMS = /^(password|pass|pwd|sslpassword|sslkey|token|secret|api[_-]?key)$/i;

/** Parses a DSN. Relative SQLite paths resolve against `baseDir` (the config file's folder or the cwd). */
export function parseDsn(dsn: string, baseDir: string = process.cwd()): ParsedDsn {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(dsn);
  const scheme = match?.[1]?.toLowerCase();
  const engine = scheme ? engineForScheme(scheme) : undefined;
  if (!scheme || !engine) {
    throw new DsnError(`unsupported DSN "${redactDsn(dsn)}": it must start with one of ${KNOWN_SCHEMES.map((s) => `${s}://`).join(', ')}`);
  }
  if (engine === 'sqlite') {
    const rest = dsn.slice(match![0].length).replace(/\?.*$/, '');
    if (!rest) throw new DsnError('a sqlite DSN needs a file: sqlite:///absolute/path.db or sqlite://relative.db');
    return { engine, scheme, file: path.resolve(baseDir, decodeURIComponent(rest)) };
  }
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new DsnError(`malformed DSN "${redactDsn(dsn)}": expected ${scheme}://user:password@host:port/database`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined;
  return { engine, scheme, url, ...(database ? { database } : {}) };
}

/** The DSN with its password and secret query parameters replaced, safe to print or log. */
export function redactDsn(dsn: string): string {
  const withoutUserinfoSecret = dsn.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^@/?#]*@/i, '$1:***@');
  return withoutUserinfoSecret.replace(/([?&])([^=&#]+)=([^&#]*)/g, (whole, sep: string, key: string) =>
    SECRET_PARAMS.test(key) ? `${sep}${key}=***` : whole,
  );
}

/** A readable source id derived from a DSN: the database or file name. */
export function sourceIdFromDsn(parsed: ParsedDsn): string {
  const base = parsed.file ? path.basename(parsed.file).replace(/\.[^.]*$/, '') : (parsed.database ?? parsed.engine);
  const cleaned = base.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 64);
  return cleaned || parsed.engine;
}
