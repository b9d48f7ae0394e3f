import path from 'node:path';
import { redactDsn, splitUserinfo } from '../core/dsn-text.js';
import type { ParsedDsn as EngineParsedDsn } from '../engines/contract/engine.js';
import { ENGINES, engineForScheme, KNOWN_SCHEMES, type EngineName } from '../engines/registry.js';

/** A parsed DSN whose engine the registry knows. */
export interface ParsedDsn extends EngineParsedDsn {
  engine: EngineName;
}

export class DsnError extends Error {
  override readonly name = 'DsnError';
}

/** Parses a DSN. Relative SQLite paths resolve against `baseDir` (the config file's folder or the cwd). */
export function parseDsn(dsn: string, baseDir: string = process.cwd()): ParsedDsn {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(dsn);
  const scheme = match?.[1]?.toLowerCase();
  const engine = scheme ? engineForScheme(scheme) : undefined;
  if (!scheme || !engine) {
    throw new DsnError(
      `unsupported DSN "${redactDsn(dsn)}": it must start with one of ${KNOWN_SCHEMES.map((s) => `${s}://`).join(', ')}`,
    );
  }
  if (ENGINES[engine].dsn === 'file') {
    const rest = dsn.slice(match![0].length).replace(/\?.*$/, '');
    if (!rest)
      throw new DsnError(`a ${scheme} DSN needs a file: ${scheme}:///absolute/path.db or ${scheme}://relative.db`);
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

/** A readable source id derived from a DSN: the database or file name. */
export function sourceIdFromDsn(parsed: ParsedDsn): string {
  const base = parsed.file ? path.basename(parsed.file).replace(/\.[^.]*$/, '') : (parsed.database ?? parsed.engine);
  const cleaned = base
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
  return cleaned || parsed.engine;
}
