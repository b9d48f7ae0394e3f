/**
 * Builds the effective config from the file, the environment and the flags, in that order of
 * precedence (flags win), validates it with the one schema, and freezes it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema, type Config, type SourceConfig } from './schema.js';
import { ConfigError, describeIssues, formatPath } from './errors.js';
import { redactDsn } from '../core/dsn-text.js';
import { DsnError, parseDsn, sourceIdFromDsn, type ParsedDsn } from './dsn.js';
import { defaultStateDir } from './state-dir.js';
import { DEMO } from '../engines/registry.js';

export { ConfigError };

export interface CliFlags {
  config?: string;
  dsn?: string[];
  transport?: string;
  host?: string;
  port?: string;
  stateDir?: string;
}

export interface ResolvedSource extends SourceConfig {
  parsed: ParsedDsn;
  /** The DSN with secrets replaced: the only form that is ever printed or logged. */
  redactedDsn: string;
}

export interface LoadedConfig {
  config: Config;
  sources: readonly ResolvedSource[];
  stateDir: string;
  configFile?: string;
  /** True when no source was configured and the embedded demo database is served. */
  demo: boolean;
}

export const DEMO_SOURCE_ID = 'demo';

export function loadConfig(flags: CliFlags, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const configFile = flags.config ? path.resolve(flags.config) : undefined;
  const raw = configFile ? readConfigFile(configFile, env) : {};
  const merged = mergeFlags(raw, flags, env);
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    const where = configFile ? ` in ${configFile}` : '';
    throw new ConfigError(
      `invalid configuration${where}:\n  ${describeIssues(ConfigSchema, result.error.issues).join('\n  ')}`,
    );
  }
  const config = result.data;
  const baseDir = configFile ? path.dirname(configFile) : process.cwd();
  const stateDir = path.resolve(flags.stateDir ?? env.DBA_MCP_STATE_DIR ?? config.state_dir ?? defaultStateDir(env));
  const demo = config.sources.length === 0;
  const sourceConfigs = demo ? [demoSource(stateDir)] : config.sources;
  const sources = sourceConfigs.map((source, i) => resolveSource(source, i, baseDir));
  return deepFreeze({ config, sources, stateDir, demo, ...(configFile ? { configFile } : {}) });
}

function readConfigFile(file: string, env: NodeJS.ProcessEnv): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigError(`config file ${file} must hold a mapping (sources:, transport:, ...)`);
  return interpolateEnv(doc, env, []);
}

/** Replaces ${NAME} in every string with the environment variable; a missing one is an error. `$${` is a literal `${`. */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, at: PropertyKey[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
      if (whole.startsWith('$$')) return whole.slice(1);
      const found = env[name];
      if (found === undefined) throw new ConfigError(`${formatPath(at)}: environment variable ${name} is not set`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolateEnv(item, env, [...at, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, [...at, k])]));
  }
  return value;
}

function mergeFlags(raw: unknown, flags: CliFlags, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const doc = { ...(raw as Record<string, unknown>) };
  const transport = { ...(doc.transport as Record<string, unknown> | undefined) };
  if (flags.transport !== undefined) transport.type = flags.transport;
  if (flags.host !== undefined) transport.host = flags.host;
  if (flags.port !== undefined) transport.port = parsePort(flags.port);
  if (transport.auth_token === undefined && env.DBA_MCP_AUTH_TOKEN) transport.auth_token = env.DBA_MCP_AUTH_TOKEN;
  if (transport.admin_token === undefined && env.DBA_MCP_ADMIN_TOKEN) transport.admin_token = env.DBA_MCP_ADMIN_TOKEN;
  doc.transport = transport;
  if (flags.dsn?.length) {
    const existing = Array.isArray(doc.sources) ? (doc.sources as { id?: unknown }[]) : [];
    const dsns = flags.dsn.map((dsn, i) => interpolateEnv(dsn, env, ['--dsn', i]) as string);
    doc.sources = [
      ...existing,
      ...sourcesFromDsns(
        dsns,
        existing.map((s) => String(s?.id)),
      ),
    ];
  }
  return doc;
}

function parsePort(value: string): number | string {
  return /^\d+$/.test(value) ? Number(value) : value;
}

function sourcesFromDsns(dsns: string[], takenIds: string[]): { id: string; dsn: string }[] {
  const taken = new Set(takenIds);
  return dsns.map((dsn) => {
    let base: string;
    try {
      base = sourceIdFromDsn(parseDsn(dsn));
    } catch (err) {
      throw new ConfigError(`--dsn: ${(err as Error).message}`);
    }
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    return { id, dsn };
  });
}

function demoSource(stateDir: string): SourceConfig {
  return ConfigSchema.parse({
    sources: [
      {
        id: DEMO_SOURCE_ID,
        dsn: DEMO.dsn(stateDir),
        description: DEMO.description,
      },
    ],
  }).sources[0]!;
}

function resolveSource(source: SourceConfig, index: number, baseDir: string): ResolvedSource {
  try {
    return { ...source, parsed: parseDsn(source.dsn, baseDir), redactedDsn: redactDsn(source.dsn) };
  } catch (err) {
    if (err instanceof DsnError) throw new ConfigError(`sources[${index}].dsn: ${err.message}`);
    throw err;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof URL)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
