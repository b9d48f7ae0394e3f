/**
 * What a mariadb-dump/mysqldump file must look like: its header, its completion line (written
 * last: a dump cut short has none), and no statement that would write outside the scratch schema
 * it is restored into: USE, CREATE/DROP DATABASE, or a schema-qualified write target (a table,
 * view or trigger created as `shop`.`x`, INSERT INTO / UPDATE / DELETE FROM `shop`.`x`, e.g. in a
 * trigger body). The client would follow them, possibly into the source itself.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import type { Evidence } from '../../contract/backups.js';

const HEADER = /^(\/\*M!999999\\- enable the sandbox mode \*\/\s*\n)?-- (MariaDB|MySQL) dump /;
const COMPLETED = /-- Dump completed(?: on (\d{4}-\d\d-\d\d +\d{1,2}:\d\d:\d\d))?\s*$/; // mysqldump pads the hour with a space: "2026-11-25  0:03:02"
const LEAVES_SCHEMA = /^\s*(\/\*!\d*\s*)?(USE\s|(CREATE|DROP)\s+(DATABASE|SCHEMA)\b)/i;
const NAME = '(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+)';
/** A write target qualified by a schema: `db`.`t` after TABLE(S), INTO, VIEW, TRIGGER, UPDATE, DELETE FROM, or a trigger's ON. */
const QUALIFIED_TARGET = new RegExp(
  `\\b(TABLES?|INTO|VIEW|TRIGGER|UPDATE|DELETE\\s+FROM|(BEFORE|AFTER)\\s+(INSERT|UPDATE|DELETE)\\s+ON)\\s+(IF\\s+(NOT\\s+)?EXISTS\\s+)?${NAME}\\s*\\.\\s*${NAME}`,
  'i',
);

export function isDumpHead(head: Buffer): boolean {
  return HEADER.test(head.toString('latin1'));
}

function tail(file: string, bytes = 256): string {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(bytes, size));
    fs.readSync(fd, buf, 0, buf.length, size - buf.length);
    return buf.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** The completion line, or why the dump is incomplete. */
export function completion(file: string): { ok: boolean; message: string; evidence: Evidence } {
  const m = COMPLETED.exec(tail(file));
  if (!m)
    return {
      ok: false,
      message: 'the dump has no "-- Dump completed" line at its end: it was cut short (or made with --skip-comments)',
      evidence: { completed_line: false },
    };
  return {
    ok: true,
    message: `a complete dump (its last line says "Dump completed${m[1] ? ` on ${m[1]}` : ''}")`,
    evidence: { completed_line: true, completed_on: m[1] ?? null },
  };
}

/** Why a line would write outside the schema it is restored into, if it would. Row data (after VALUES) is not judged. */
export function escapeIn(line: string): string | undefined {
  if (LEAVES_SCHEMA.test(line)) return 'switches to, creates or drops a database';
  const judged = /^\s*(INSERT|REPLACE)\b/i.test(line) ? line.split(/\sVALUES\s*\(/i)[0]! : line;
  if (QUALIFIED_TARGET.test(judged)) return 'writes to a table, view or trigger in a named database';
  return undefined;
}

/** The first line that would leave the scratch schema, and why; undefined when none does. */
export async function schemaEscape(file: string): Promise<string | undefined> {
  const lines = readline.createInterface({
    input: fs.createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  try {
    let n = 0;
    for await (const line of lines) {
      n++;
      const why = escapeIn(line);
      if (why) return `line ${n} ${why}: ${line.trim().slice(0, 120)}`;
    }
  } finally {
    lines.close();
  }
  return undefined;
}
