import os from 'node:os';
import path from 'node:path';

/** The platform's per-user state directory for dba-mcp (audit log, approvals, plans, demo database). */
export function defaultStateDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'dba-mcp');
  if (platform === 'win32')
    return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'dba-mcp', 'State');
  return path.join(env.XDG_STATE_HOME || path.join(home, '.local', 'state'), 'dba-mcp');
}
