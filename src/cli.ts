#!/usr/bin/env node
/**
 * The dba-mcp command: parse flags, load the config, start a transport. No logic of its own.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type CliFlags, type LoadedConfig } from './config/load.js';
import { startServer } from './main.js';
import { VERSION } from './core/version.js';

const USAGE = `dba-mcp ${VERSION}: an MCP server with a careful DBA's skills, read-only by default.

Usage:
  dba-mcp [--config FILE] [--dsn URL]... [--transport stdio|http] [--host H] [--port N] [--state-dir DIR]
  dba-mcp audit verify|tail|search ...   read and check the audit log (dba-mcp audit --help)
  dba-mcp approvals list|show|approve|reject ...   decide on requested changes (dba-mcp approvals --help)

  --config FILE      YAML config (sources, limits, transport, log); see the README
  --dsn URL          a source: postgres://, postgresql://, mysql://, mariadb://,
                     sqlite:///absolute/path.db or sqlite://relative.db (repeatable)
  --transport T      stdio (default) or http (streamable HTTP on /mcp)
  --host H           HTTP bind address (default 127.0.0.1; others need an auth token)
  --port N           HTTP port (default 8377)
  --state-dir DIR    audit log, approvals, plans, demo database (env DBA_MCP_STATE_DIR)
  -h, --help         this text
  -v, --version      the version

With no source configured, dba-mcp serves a demo SQLite shop database it creates on first run.
`;

function parseFlags(argv: string[]): { flags: CliFlags; help: boolean; version: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      dsn: { type: 'string', multiple: true },
      transport: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
    strict: true,
    allowPositionals: false,
  });
  const flags: CliFlags = {
    ...(values.config !== undefined && { config: values.config }),
    ...(values.dsn !== undefined && { dsn: values.dsn }),
    ...(values.transport !== undefined && { transport: values.transport }),
    ...(values.host !== undefined && { host: values.host }),
    ...(values.port !== undefined && { port: values.port }),
    ...(values['state-dir'] !== undefined && { stateDir: values['state-dir'] }),
  };
  return { flags, help: values.help === true, version: values.version === true };
}

function fail(message: string): never {
  process.stderr.write(`dba-mcp: ${message}\n`);
  process.exit(2);
}

/**
 * Subcommands, dispatched before the server's flags are parsed and loaded only when used:
 * `dba-mcp audit verify ...`. One more command is one more line here.
 */
const COMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  audit: () => import('./commands/audit.js'),
  approvals: () => import('./commands/approvals.js'),
};

async function main(): Promise<void> {
  const [first, ...rest] = process.argv.slice(2);
  const command = first !== undefined && Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (command) return void (process.exitCode = await (await command()).run(rest));
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(process.argv.slice(2));
  } catch (err) {
    fail(`${(err as Error).message}\nRun dba-mcp --help for usage.`);
  }
  // --help and --version print to stdout and exit before any transport exists.
  if (parsed.help) return void process.stdout.write(USAGE);
  if (parsed.version) return void process.stdout.write(`${VERSION}\n`);
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig(parsed.flags);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  await startServer(loaded);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) fail(err.message);
  fail(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
});
