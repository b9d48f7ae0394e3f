/**
 * `dba-mcp audit <verify|tail|search>`: reads the audit log; never writes it. Output goes to stdout
 * (these commands do not serve MCP); usage errors to stderr with exit code 2.
 */
import { searchCommand } from './audit-search.js';
import { tailCommand } from './audit-tail.js';
import { verifyCommand } from './audit-verify.js';
import { dispatch } from './dispatch.js';

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

export function run(argv: string[]): Promise<number> {
  return dispatch(
    { name: 'audit', usage: USAGE, commands: { verify: verifyCommand, tail: tailCommand, search: searchCommand } },
    argv,
  );
}
