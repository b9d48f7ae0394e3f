/** Every record of a chain of files, in order, streamed line by line (for `audit search`). Damaged lines are skipped: `audit verify` is the judge of those. */
import fs from 'node:fs';
import readline from 'node:readline';
import { parseLine } from './parse.js';
import type { AuditRecord } from './types.js';

export async function* readRecords(files: readonly string[]): AsyncGenerator<{ record: AuditRecord; line: string }> {
  for (const file of files) {
    const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      const parsed = parseLine(line);
      if (parsed.ok) yield { record: parsed.record, line };
    }
  }
}
