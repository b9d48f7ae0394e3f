/** One audit record as one human-readable line (`dba-mcp audit tail` and `search`). */
import type { AuditRecord } from '../audit/index.js';

const SQL_WIDTH = 80;

function shorten(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, width - 3)}...`;
}

function what(r: AuditRecord): string {
  if (r.kind === 'tool') return r.name;
  if (r.kind === 'resource') return `read ${r.name}`;
  return `${r.kind} ${r.name}`;
}

function outcome(r: AuditRecord): string {
  return r.error_code ? `${r.outcome} ${r.error_code}` : r.outcome;
}

function serverFacts(r: AuditRecord): string[] {
  const d = r.details ?? {};
  if (r.name === 'start')
    return [`pid=${String(d.pid)}`, `version ${String(d.version)}`, `transport=${String(d.transport)}`];
  if (r.name === 'stop') return [`reason=${String(d.reason)}`];
  if (r.name === 'audit_recovered')
    return [`outage since ${String(d.since)} (${String(d.error)}), ${String(d.refused_calls)} calls refused`];
  if (r.name === 'audit_tail_repaired') return [`cut ${String(d.dropped_bytes)} bytes of an incomplete line`];
  return [];
}

function callFacts(r: AuditRecord): string[] {
  const facts: string[] = [];
  if (r.row_count !== undefined) facts.push(`${r.row_count} rows${r.truncated ? ' (truncated)' : ''}`);
  facts.push(`${r.duration_ms.toFixed(1)} ms`);
  if (r.client) facts.push(`client=${r.client.name}`);
  const denial = r.verdicts?.find((v) => v.decision === 'deny');
  if (denial?.reason) facts.push(`(${String(denial.reason)})`);
  if (r.approval)
    facts.push(
      `approval ${r.approval.id} ${r.approval.decision ?? ''} by ${r.approval.decided_by ?? '?'} via ${r.approval.path ?? '?'}`,
    );
  if (r.sql !== undefined) facts.push(JSON.stringify(shorten(r.sql, SQL_WIDTH)));
  return facts;
}

export function formatRecord(r: AuditRecord): string {
  const facts = r.kind === 'server' ? serverFacts(r) : callFacts(r);
  return [r.ts, `#${r.seq}`, what(r), r.source ?? '-', outcome(r), ...facts].join('  ');
}
