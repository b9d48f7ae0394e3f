/**
 * From what the pipeline hands over (AuditEntry) to the body of a record: secrets redacted, SQL
 * fingerprinted (and its literals removed when configured), names in snake_case. The sink adds
 * seq, ts, prev_hash and hash.
 */
import type { EngineName } from '../engines/registry.js';
import type { RecordBody } from './canonical.js';
import { REDACTED, redactArgs, redactValue } from '../core/redact.js';
import { sqlFacts } from './sql-text.js';
import type { AuditEntry } from './types.js';

export interface RedactOptions {
  redactLiterals: boolean;
  /** The engine of a source id, to pick the SQL normalizer. */
  engineOf(source: string): EngineName | undefined;
}

export type Prepared = Omit<RecordBody, 'seq' | 'ts' | 'prev_hash'>;

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

/** With redact_literals a verdict keeps its guard, decision and code, not its reason: a parser's message quotes the text. */
function verdictsOf(entry: AuditEntry, withoutReasons: boolean): Record<string, unknown>[] | undefined {
  if (!entry.verdicts) return undefined;
  return entry.verdicts.map(
    ({ hint: _hint, reason, ...kept }) =>
      redactValue(withoutReasons || reason === undefined ? kept : { ...kept, reason }) as Record<string, unknown>,
  );
}

/**
 * With redact_literals: the arguments that carry SQL or its values, other than the statement
 * itself, lose their literals too (propose_index's queries; params; any of them sent in a shape
 * the tool refused).
 */
async function redactSqlArgs(args: Record<string, unknown>, engine: EngineName | undefined): Promise<void> {
  if (args.params !== undefined) args.params = Array.isArray(args.params) ? args.params.map(() => REDACTED) : REDACTED;
  if (args.sql !== undefined && typeof args.sql !== 'string') args.sql = REDACTED;
  if (Array.isArray(args.queries))
    args.queries = await Promise.all(
      args.queries.map(async (q) => (typeof q === 'string' ? (await sqlFacts(q, engine, true)).sql : REDACTED)),
    );
  else if (args.queries !== undefined) args.queries = REDACTED;
}

async function sqlPart(entry: AuditEntry, args: Record<string, unknown> | undefined, opts: RedactOptions) {
  const argSql = typeof entry.args?.sql === 'string' ? entry.args.sql : undefined;
  const text = entry.sql ?? argSql;
  const engine = entry.source ? opts.engineOf(entry.source) : undefined;
  if (args && opts.redactLiterals) await redactSqlArgs(args, engine);
  if (text === undefined) return { args };
  const facts = await sqlFacts(text, engine, opts.redactLiterals);
  // args.sql is the record's `sql` when they are the same text: not written twice.
  if (args && argSql !== undefined)
    args.sql = argSql === text ? undefined : (await sqlFacts(argSql, engine, opts.redactLiterals)).sql;
  return { args, sql: facts.sql, sql_fingerprint: entry.sql_fingerprint ?? facts.fingerprint };
}

type SqlPart = Pick<Prepared, 'args' | 'sql' | 'sql_fingerprint'>;

/** The body of a record from an entry whose SQL part (if any) is already prepared. */
export function toBody(
  entry: AuditEntry,
  part: SqlPart = { args: entry.args ? redactArgs(entry.args) : undefined },
  withoutReasons = false,
): Prepared {
  return {
    v: 1,
    kind: entry.kind,
    name: entry.name,
    request_id: entry.requestId,
    session_id: entry.sessionId,
    client: entry.client ? { name: entry.client.name, version: entry.client.version } : undefined,
    source: entry.source,
    args: part.args,
    sql: part.sql,
    sql_fingerprint: part.sql_fingerprint,
    classification: entry.classification,
    verdicts: verdictsOf(entry, withoutReasons),
    approval: entry.approval ? (redactValue(entry.approval) as AuditEntry['approval']) : undefined,
    outcome: entry.outcome,
    error_code: entry.errorCode,
    row_count: entry.rowCount,
    truncated: entry.truncated,
    duration_ms: round3(entry.durationMs),
    details: entry.details ? (redactValue(entry.details) as Record<string, unknown>) : undefined,
  };
}

export async function prepareRecord(entry: AuditEntry, opts: RedactOptions): Promise<Prepared> {
  return toBody(
    entry,
    await sqlPart(entry, entry.args ? redactArgs(entry.args) : undefined, opts),
    opts.redactLiterals,
  );
}
