/**
 * The server's audit sink, built from the config: where the log goes, its rotation size, how SQL
 * is redacted, and the server events (start, config, stop) with a redacted config summary.
 */
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { VERSION } from '../core/version.js';
import { FileAuditSink } from './file-sink.js';
import { defaultAuditFile } from './files.js';
import type { AuditSink } from './index.js';
import { redactValue } from '../core/redact.js';
import type { AuditEntry } from './types.js';
import { AuditUnavailableError } from './unavailable.js';

/** audit.path (relative to the config file's folder) or <state-dir>/audit/audit.jsonl. */
export function auditFileOf(loaded: Pick<LoadedConfig, 'config' | 'stateDir' | 'configFile'>): string {
  const configured = loaded.config.audit.path;
  if (!configured) return defaultAuditFile(loaded.stateDir);
  return path.resolve(loaded.configFile ? path.dirname(loaded.configFile) : process.cwd(), configured);
}

export function openAuditSink(loaded: LoadedConfig, report: (message: string) => void): Promise<FileAuditSink> {
  const engines = new Map(loaded.sources.map((s) => [s.id, s.parsed.engine]));
  return FileAuditSink.open({
    file: auditFileOf(loaded),
    maxBytes: Math.round(loaded.config.audit.max_file_mb * 1024 * 1024),
    redact: { redactLiterals: loaded.config.audit.redact_literals, engineOf: (id) => engines.get(id) },
    report,
  });
}

/** The effective config with every secret out: DSNs redacted, tokens and passwords replaced. */
export function configSummary(loaded: LoadedConfig): Record<string, unknown> {
  const sources = loaded.sources.map(({ parsed, redactedDsn, dsn: _dsn, ...rest }) => ({
    ...rest,
    engine: parsed.engine,
    url: redactedDsn,
  }));
  const summary = {
    ...loaded.config,
    sources,
    state_dir: loaded.stateDir,
    config_file: loaded.configFile,
    demo: loaded.demo,
    audit: { ...loaded.config.audit, path: auditFileOf(loaded) },
  };
  return redactValue(summary) as Record<string, unknown>;
}

export function startDetails(loaded: LoadedConfig): Record<string, unknown> {
  return {
    version: VERSION,
    pid: process.pid,
    node: process.version,
    platform: process.platform,
    transport: loaded.config.transport.type,
  };
}

/** Records a server event; an audit outage was already reported by the sink, so it is not thrown. */
export async function recordServerEvent(
  audit: AuditSink,
  name: string,
  details: Record<string, unknown>,
): Promise<void> {
  const entry: AuditEntry = { kind: 'server', name, outcome: 'ok', durationMs: 0, details };
  try {
    await audit.record(entry);
  } catch (err) {
    if (!(err instanceof AuditUnavailableError)) throw err;
  }
}
