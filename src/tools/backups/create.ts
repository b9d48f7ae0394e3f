/**
 * create_backup: the engine dumps into `<name>.partial` in the backup dir; only a complete dump is
 * renamed to its final name, and then the manifest (size, sha256, rows per table) goes beside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ServerInfo } from '../../engines/contract/engine.js';
import { newBackupName } from '../../engines/kit/backups/files.js';
import { countsTotal, sha256File, writeManifest, type Manifest } from '../../engines/kit/backups/manifest.js';
import type { BackupSetup } from './setup.js';

export interface Created {
  path: string;
  manifestPath: string;
  manifest: Manifest;
  rows: number;
}

function freshName(dir: string, sourceId: string, ext: string): string {
  const base = newBackupName(sourceId, ext);
  let name = base;
  for (let n = 2; fs.existsSync(path.join(dir, name)) || fs.existsSync(path.join(dir, `${name}.partial`)); n++)
    name = base.replace(ext, `-${n}${ext}`);
  return name;
}

export async function createBackup(setup: BackupSetup, server: ServerInfo): Promise<Created> {
  const { ops, env, sourceId } = setup;
  fs.mkdirSync(env.dir, { recursive: true, mode: 0o700 });
  const name = freshName(env.dir, sourceId, ops.extension);
  const final = path.join(env.dir, name);
  const partial = `${final}.partial`;
  const started = new Date();
  const t0 = performance.now();
  let dump;
  try {
    dump = await ops.dump(partial, env);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  }
  fs.chmodSync(partial, 0o600); // a backup holds all the data: readable by the owner only
  fs.renameSync(partial, final);
  const durationMs = Math.round(performance.now() - t0);
  const manifest: Manifest = {
    v: 1,
    file: name,
    source: sourceId,
    engine: server.engine,
    server_version: `${server.variant} ${server.version}`,
    format: ops.format,
    tool: dump.tool,
    started_at: started.toISOString(),
    created_at: new Date().toISOString(),
    duration_ms: durationMs,
    size_bytes: fs.statSync(final).size,
    sha256: await sha256File(final),
    counts_from: dump.countsFrom,
    tables: dump.tables,
  };
  writeManifest(final, manifest);
  return { path: final, manifestPath: `${final}.manifest.json`, manifest, rows: countsTotal(dump.tables) };
}
