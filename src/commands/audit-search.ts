/**
 * `dba-mcp audit search [--tool T] [--source S] [--kind K] [--outcome O] [--verdict allow|deny]
 * [--fingerprint F] [--since ISO] [--until ISO] [--limit N] [--json] [--state-dir DIR | --config FILE]`:
 * the records that match every filter given, oldest first (--limit keeps the latest N).
 */
import { parseArgs } from 'node:util';
import { chainFiles } from '../audit/files.js';
import type { AuditRecord } from '../audit/index.js';
import { readRecords } from '../audit/reader.js';
import { formatRecord } from './audit-format.js';
import { auditLocation, UsageError } from './audit-location.js';

const OPTIONS = {
  tool: { type: 'string' },
  source: { type: 'string' },
  kind: { type: 'string' },
  outcome: { type: 'string' },
  verdict: { type: 'string' },
  fingerprint: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  'state-dir': { type: 'string' },
  config: { type: 'string' },
} as const;

type Filter = (r: AuditRecord) => boolean;

function time(value: string, flag: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new UsageError(
      `--${flag} wants an ISO date or time such as 2026-11-24 or 2026-11-24T21:00:00Z, got "${value}"`,
    );
  return t;
}

function oneOf(value: string, allowed: readonly string[], flag: string): string {
  if (!allowed.includes(value)) throw new UsageError(`--${flag} is one of ${allowed.join(', ')}, got "${value}"`);
  return value;
}

const KINDS = ['tool', 'resource', 'prompt', 'approval', 'server'];

function filters(v: ReturnType<typeof parse>['values']): Filter[] {
  const f: Filter[] = [];
  const { tool, source, fingerprint } = v;
  if (tool !== undefined) f.push((r) => r.kind === 'tool' && r.name === tool);
  if (source !== undefined) f.push((r) => r.source === source);
  if (fingerprint !== undefined) f.push((r) => r.sql_fingerprint === fingerprint);
  if (v.kind !== undefined) {
    const kind = oneOf(v.kind, KINDS, 'kind');
    f.push((r) => r.kind === kind);
  }
  if (v.outcome !== undefined) {
    const outcome = oneOf(v.outcome, ['ok', 'error', 'denied'], 'outcome');
    f.push((r) => r.outcome === outcome);
  }
  if (v.verdict !== undefined) {
    const verdict = oneOf(v.verdict, ['allow', 'deny'], 'verdict');
    f.push((r) => (r.verdicts ?? []).some((x) => x.decision === verdict));
  }
  if (v.since !== undefined) {
    const since = time(v.since, 'since');
    f.push((r) => Date.parse(r.ts) >= since);
  }
  if (v.until !== undefined) {
    const until = time(v.until, 'until');
    f.push((r) => Date.parse(r.ts) <= until);
  }
  return f;
}

const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS });

export async function searchCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv);
  const limit = values.limit === undefined ? Infinity : Number(values.limit);
  if (!(limit >= 0)) throw new UsageError(`--limit wants a number, got "${values.limit}"`);
  const checks = filters(values);
  const matches: string[] = [];
  for await (const { record, line } of readRecords(chainFiles(auditLocation(values)))) {
    if (!checks.every((c) => c(record))) continue;
    matches.push(values.json ? line : formatRecord(record));
    if (matches.length > limit) matches.shift();
  }
  if (matches.length > 0) process.stdout.write(`${matches.join('\n')}\n`);
  return 0;
}
