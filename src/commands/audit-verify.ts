/**
 * `dba-mcp audit verify [--state-dir DIR | --config FILE | FILE...] [--allow-pruned] [--json]`:
 * exit 0 and a summary when the chain is intact, 1 naming the first bad record, 2 when there is
 * no log to check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chainFiles } from '../audit/files.js';
import { verifyFiles, type VerifySummary } from '../audit/verify.js';
import { auditLocation, UsageError } from './audit-location.js';

function files(argv: string[]): { files: string[]; json: boolean; allowPruned: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'state-dir': { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
      'allow-pruned': { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const opts = { json: values.json === true, allowPruned: values['allow-pruned'] === true };
  if (positionals.length > 0) {
    if (values['state-dir'] || values.config)
      throw new UsageError('give either FILE arguments or --state-dir/--config, not both');
    const missing = positionals.find((f) => !fs.existsSync(f));
    if (missing) throw new UsageError(`no such file: ${missing}`);
    return { files: positionals, ...opts };
  }
  const loc = auditLocation(values);
  const found = chainFiles(loc);
  if (found.length === 0) throw new UsageError(`no audit log at ${loc.file}`);
  return { files: found, ...opts };
}

function human(s: VerifySummary): string {
  const lines: string[] = [];
  if (s.problem) {
    const p = s.problem;
    const where = `${path.basename(p.file)} line ${p.line}`;
    lines.push(
      p.seq === undefined
        ? `TAMPERED: ${where}: ${p.message}`
        : `TAMPERED: record seq ${p.seq} (${where}): ${p.message}`,
    );
    lines.push(
      `  ${s.records} records before it are intact${s.lastSeq ? ` (up to seq ${s.lastSeq})` : ''}; file ${p.file}`,
    );
  } else if (s.records === 0) {
    lines.push(`ok: 0 records in ${s.files} files`);
  } else {
    lines.push(
      `ok: ${s.records} records in ${s.files} file${s.files === 1 ? '' : 's'}, seq ${s.firstSeq}..${s.lastSeq}, last at ${s.lastTs}`,
    );
    lines.push(
      `  last hash ${s.lastHash} (keep it elsewhere: a later verify that ends before it means the log was cut)`,
    );
  }
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

export function verifyCommand(argv: string[]): number {
  const opts = files(argv);
  const summary = verifyFiles(opts.files, { allowPruned: opts.allowPruned });
  process.stdout.write(
    opts.json ? `${JSON.stringify({ ok: !summary.problem, ...summary, fileList: opts.files })}\n` : human(summary),
  );
  return summary.problem ? 1 : 0;
}
