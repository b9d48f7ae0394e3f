/**
 * `dba-mcp audit <verify|tail|search>`: reads the audit log; never writes it. Output goes to stdout
 * (these commands do not serve MCP); usage errors to stderr with exit code 2.
 */
import { searchCommand } from './audit-search.js';
import { tailCommand } from './audit-tail.js';
import { verifyCommand } from './audit-verify.js';

export const USAGE = `Usage:
  dba-mcp audit verify [--state-dir DIR | --config FILE | FILE...] [--allow-pruned] [--json]
      Checks the hash chain. Exit 0: intact. Exit 1: names the first bad record. Exit 2: no log.
  dba-mcp audit tail [-n N] [--follow] [--json] [--state-dir DIR | --config FILE]
      The latest N records (default 20); --follow prints new ones as they come.
  dba-mcp audit search [--tool T] [--source S] [--kind K] [--outcome ok|error|denied]
                       [--verdict allow|deny] [--fingerprint F] [--since ISO] [--until ISO]
                       [--limit N] [--json] [--state-dir DIR | --config FILE]
      Records matching every filter, oldest first.

The log is audit.path from --config, else <state-dir>/audit/audit.jsonl (state dir from
--state-dir, DBA_MCP_STATE_DIR, the config's state_dir, or the platform default).
`;

const SUBCOMMANDS: Record<string, (argv: string[]) => number | Promise<number>> = {
  verify: verifyCommand,
  tail: tailCommand,
  search: searchCommand,
};

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process[name === undefined ? 'stderr' : 'stdout'].write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const sub = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (!sub) {
    process.stderr.write(`dba-mcp audit: unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  try {
    return await sub(rest);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const known = e.name === 'UsageError' || e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code?.startsWith('ERR_PARSE_ARGS') || e.code === 'ENOENT' || e.code === 'EACCES' || e.name === 'ConfigError';
    if (!known) throw err;
    process.stderr.write(`dba-mcp audit ${name}: ${e.message}\nRun dba-mcp audit --help for usage.\n`);
    return 2;
  }
}
