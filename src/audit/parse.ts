/** Reads one line of the log back into a record, or says why it is not one. */
import type { AuditRecord } from './types.js';

const HEX64 = /^[0-9a-f]{64}$/;

export type Parsed = { ok: true; record: AuditRecord } | { ok: false; reason: string };

export function parseLine(line: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const r = value as Partial<AuditRecord>;
  if (!Number.isSafeInteger(r.seq) || (r.seq ?? 0) < 1) return { ok: false, reason: 'no valid seq' };
  if (typeof r.prev_hash !== 'string' || !HEX64.test(r.prev_hash)) return { ok: false, reason: 'no valid prev_hash' };
  if (typeof r.hash !== 'string' || !HEX64.test(r.hash)) return { ok: false, reason: 'no valid hash' };
  if (typeof r.ts !== 'string' || typeof r.kind !== 'string' || typeof r.name !== 'string')
    return { ok: false, reason: 'missing ts, kind or name' };
  return { ok: true, record: r as AuditRecord };
}
