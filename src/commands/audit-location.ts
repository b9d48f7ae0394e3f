/**
 * Which log files the audit commands read: FILE arguments as given, or the server's log found the
 * way the server finds it (audit.path from --config, else <state-dir>/audit/audit.jsonl with the
 * state dir from --state-dir, DBA_MCP_STATE_DIR, the config's state_dir or the default). Only the
 * two keys it needs are read from the config, so a missing DSN password does not stop it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { defaultAuditFile, locationOf, type AuditLocation } from '../audit/files.js';
import { interpolateEnv } from '../config/load.js';
import { defaultStateDir } from '../config/state-dir.js';

export interface LocationFlags {
  'state-dir'?: string;
  config?: string;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function configKeys(file: string, env: NodeJS.ProcessEnv): { auditPath?: string; stateDir?: string } {
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read config ${file}: ${(err as Error).message}`);
  }
  const d = (doc ?? {}) as { audit?: { path?: unknown }; state_dir?: unknown };
  const pick = (v: unknown, at: string) =>
    typeof v === 'string' ? (interpolateEnv(v, env, [at]) as string) : undefined;
  return { auditPath: pick(d.audit?.path, 'audit.path'), stateDir: pick(d.state_dir, 'state_dir') };
}

export function auditLocation(flags: LocationFlags, env: NodeJS.ProcessEnv = process.env): AuditLocation {
  const configFile = flags.config ? path.resolve(flags.config) : undefined;
  const keys = configFile ? configKeys(configFile, env) : {};
  if (keys.auditPath) return locationOf(path.resolve(path.dirname(configFile!), keys.auditPath));
  const stateDir = path.resolve(flags['state-dir'] ?? env.DBA_MCP_STATE_DIR ?? keys.stateDir ?? defaultStateDir(env));
  return locationOf(defaultAuditFile(stateDir));
}
