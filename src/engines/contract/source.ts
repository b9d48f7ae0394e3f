/** What an engine is given about its source. */
import type { Limits } from '../../core/settings.js';

/** An engine's name as src/engines/registry.ts spells it; only engines/ compares it to a literal. */
export type EngineName = string;

/** A DSN read by src/config/dsn.ts. */
export interface ParsedDsn {
  engine: EngineName;
  /** The DSN with user and password percent-encoded, safe to hand to a driver. */
  normalized: string;
  /** The scheme as written (mariadb:// marks a MariaDB server in advance; detection still decides). */
  scheme: string;
  /** For file engines (SQLite): the absolute file path. */
  file?: string;
  /** For server engines: the database named in the path, if any. */
  database?: string;
  url?: URL;
}

/**
 * What an engine is told about its source: the parsed DSN and the settings it applies itself.
 * src/config/load.ts's ResolvedSource is one (the engines never see the rest of the config).
 */
export interface EngineSource {
  readonly id: string;
  readonly mode: 'read-only' | 'read-write';
  /** The DSN as written: only ever used to find and hide it in error text. */
  readonly dsn: string;
  readonly parsed: ParsedDsn;
  /** The DSN with secrets replaced: the only form that is ever printed or logged. */
  readonly redactedDsn: string;
  readonly limits: Limits;
  readonly deny_tables: readonly string[];
  /** User-defined functions (schema.name) a read may call; the engine refuses every other one. */
  readonly allow_functions: readonly string[];
}
