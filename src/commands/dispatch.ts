/**
 * The frame every `dba-mcp <group> <command>` shares: help, unknown commands, and turning
 * expected failures into a message and an exit code (1: refused, 2: usage or environment).
 * Commands print their answer on stdout: they run instead of the server (src/cli.ts dispatches
 * them before any transport exists), never beside the stdio transport.
 */
export type Subcommand = (argv: string[]) => number | Promise<number>;

export interface Group {
  name: string;
  usage: string;
  commands: Record<string, Subcommand>;
  /** Errors that mean "refused" (exit 1) rather than a usage problem. */
  refused?: (err: Error) => boolean;
}

const USAGE_ERRORS = (e: NodeJS.ErrnoException) =>
  e.name === 'UsageError' ||
  e.name === 'ConfigError' ||
  e.code?.startsWith('ERR_PARSE_ARGS') === true ||
  e.code === 'ENOENT' ||
  e.code === 'EACCES';

export async function dispatch(group: Group, argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process[name === undefined ? 'stderr' : 'stdout'].write(group.usage);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(group.commands, name) ? group.commands[name] : undefined;
  if (!command) {
    process.stderr.write(`dba-mcp ${group.name}: unknown command "${name}"\n${group.usage}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (group.refused?.(e)) {
      process.stderr.write(`dba-mcp ${group.name} ${name}: ${e.message}\n`);
      return 1;
    }
    if (!USAGE_ERRORS(e)) throw err;
    process.stderr.write(`dba-mcp ${group.name} ${name}: ${e.message}\nRun dba-mcp ${group.name} --help for usage.\n`);
    return 2;
  }
}
