import path from 'node:path';
import { engineForScheme, KNOWN_SCHEMES, type EngineName } from '../engines/registry.js';

export interface ParsedDsn {
  engine: EngineName;
  /** The DSN with user and password percent-encoded, safe to hand to a driver. */
  normalized: string;
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
    return { engine, scheme, normalized: dsn, file: path.resolve(baseDir, decodeURIComponent(rest)) };
  }
  const normalized = encodeUserinfo(dsn);
  let url: URL;
  try {
    url = new URL(normalized);
  } catch {
    throw new DsnError(`malformed DSN "${redactDsn(dsn)}": expected ${scheme}://user:password@host:port/database`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined;
  return { engine, scheme, normalized, url, ...(database ? { database } : {}) };
}

/**
 * Splits `scheme://userinfo@host...` at the last `@`: a password taken from an environment
 * variable may hold a raw `@`, `:`, `/` or `?`, which hosts never do. (An `@` in a query
 * parameter must therefore be written %40.)
 */
function splitUserinfo(dsn: string): { prefix: string; user: string; password: string | undefined; rest: string } | undefined {
  const start = dsn.indexOf('://') + 3;
  const at = dsn.lastIndexOf('@');
  if (start < 3 || at < start) return undefined;
  const userinfo = dsn.slice(start, at);
  const colon = userinfo.indexOf(':');
  return {
    prefix: dsn.slice(0, start),
    user: colon < 0 ? userinfo : userinfo.slice(0, colon),
    password: colon < 0 ? undefined : userinfo.slice(colon + 1),
    rest: dsn.slice(at),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function encodeUserinfo(dsn: string): string {
  const parts = splitUserinfo(dsn);
  if (!parts) return dsn;
  const password = parts.password === undefined ? '' : `:${encodeURIComponent(safeDecode(parts.password))}`;
  return `${parts.prefix}${encodeURIComponent(safeDecode(parts.user))}${password}${parts.rest}`;
}

/** The DSN with its password and secret query parameters replaced, safe to print or log. */
export function redactDsn(dsn: string): string {
  const parts = splitUserinfo(dsn);
  const withoutPassword = parts?.password !== undefined ? `${parts.prefix}${parts.user}:***${parts.rest}` : dsn;
  return withoutPassword.replace(/([?&])([^=&#]+)=([^&#]*)/g, (whole, sep: string, key: string) =>
    SECRET_PARAMS.test(key) ? `${sep}${key}=***` : whole,
  );
}

/** A readable source id derived from a DSN: the database or file name. */
export function sourceIdFromDsn(parsed: ParsedDsn): string {
  const base = parsed.file ? path.basename(parsed.file).replace(/\.[^.]*$/, '') : (parsed.database ?? parsed.engine);
  const cleaned = base.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 64);
  return cleaned || parsed.engine;
}
