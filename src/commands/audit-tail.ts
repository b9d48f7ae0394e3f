/**
 * `dba-mcp audit tail [-n N] [--follow] [--json] [--state-dir DIR | --config FILE]`: the latest
 * records, human-readable or as the JSON lines themselves; --follow keeps printing new ones
 * (across a rotation) until interrupted. A command run at a terminal, not the server: it writes
 * its output to stdout (no MCP transport exists in this process).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { chainFiles, type AuditLocation } from '../audit/files.js';
import { parseLine } from '../audit/parse.js';
import { readRecentLines } from '../audit/recent.js';
import { formatRecord } from './audit-format.js';
import { auditLocation, UsageError } from './audit-location.js';

const POLL_MS = 300;

function printer(json: boolean): (line: string) => void {
  return (line) => {
    if (json) return void process.stdout.write(`${line}\n`);
    const parsed = parseLine(line);
    process.stdout.write(parsed.ok ? `${formatRecord(parsed.record)}\n` : `(damaged line: ${parsed.reason})\n`);
  };
}

/** Prints the lines appended after `from`, reopening the file when it was rotated away. */
function follow(loc: AuditLocation, print: (line: string) => void): Promise<never> {
  let fd = fs.openSync(loc.file, 'r');
  let pos = fs.fstatSync(fd).size;
  let pending = '';
  const drain = () => {
    const size = fs.fstatSync(fd).size;
    if (size <= pos) return;
    const buf = Buffer.alloc(size - pos);
    pos += fs.readSync(fd, buf, 0, buf.length, pos);
    const lines = (pending + buf.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(print);
  };
  return new Promise(() => {
    setInterval(() => {
      drain();
      const now = fs.statSync(loc.file, { throwIfNoEntry: false });
      if (now && now.ino !== fs.fstatSync(fd).ino) {
        fs.closeSync(fd);
        fd = fs.openSync(loc.file, 'r');
        [pos, pending] = [0, ''];
        drain();
      }
    }, POLL_MS);
  });
}

export async function tailCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      n: { type: 'string', short: 'n', default: '20' },
      follow: { type: 'boolean', short: 'f' },
      json: { type: 'boolean' },
      'state-dir': { type: 'string' },
      config: { type: 'string' },
    },
  });
  const n = Number(values.n);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`-n wants a whole number, got "${values.n}"`);
  const loc = auditLocation(values);
  if (chainFiles(loc).length === 0) throw new UsageError(`no audit log at ${loc.file}`);
  if (values.follow && !fs.existsSync(loc.file))
    throw new UsageError(`${loc.file} does not exist (yet): nothing to follow`);
  const print = printer(values.json === true);
  readRecentLines(loc, n).forEach(print);
  if (values.follow) await follow(loc, print);
  return 0;
}
