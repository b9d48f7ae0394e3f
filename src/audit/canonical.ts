/**
 * Canonical serialization and the hash chain. Canonical JSON: object keys sorted recursively,
 * no whitespace, undefined members left out, non-finite numbers as null (JSON.stringify's rules
 * otherwise). A record's hash is sha256(prev_hash + canonical(record without hash)); the first
 * record of a log chains to GENESIS. A line on disk is canonical(record without hash) with
 * `"hash":"..."` appended as its last member; verify rebuilds that exact line from the parsed
 * record, so a changed byte anywhere is either a different line or a different hash.
 */
import crypto from 'node:crypto';
import type { AuditRecord } from './types.js';

export const GENESIS = '0'.repeat(64);

export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : canonicalObject(value);
    default:
      return 'null';
  }
}

function canonicalObject(value: object): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  const obj = value as Record<string, unknown>;
  let out = '';
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out += `${out ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `{${out}}`;
}

const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** Hex sha256 of the UTF-8 text (one-shot crypto.hash where Node has it: 20.12+). */
export function sha256(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

export type RecordBody = Omit<AuditRecord, 'hash'>;

/** Every key of a record body, sorted: the writer's fast path (no sort per record). */
const BODY_KEYS = [
  'approval',
  'args',
  'classification',
  'client',
  'details',
  'duration_ms',
  'error_code',
  'kind',
  'name',
  'outcome',
  'prev_hash',
  'request_id',
  'row_count',
  'seq',
  'session_id',
  'source',
  'sql',
  'sql_fingerprint',
  'truncated',
  'ts',
  'v',
  'verdicts',
] as const satisfies readonly (keyof RecordBody)[];
// Compile-time check that BODY_KEYS names every field of a record body.
const _allKeys: Exclude<keyof RecordBody, (typeof BODY_KEYS)[number]> extends never ? true : never = true;
void _allKeys;

/** canonicalJson(body) for a record body, without sorting its keys each time (equal by construction; tested). */
export function canonicalBody(body: RecordBody): string {
  let out = '';
  for (const key of BODY_KEYS) {
    const v = body[key];
    if (v !== undefined) out += `${out ? ',' : ''}"${key}":${canonicalJson(v)}`;
  }
  return `{${out}}`;
}

function withHash(canonical: string, hash: string): string {
  return `${canonical.slice(0, -1)},"hash":"${hash}"}`;
}

/** The record's hash, and the exact line (with its '\n') that goes to disk. */
export function sealRecord(body: RecordBody): { hash: string; line: string } {
  const canonical = canonicalBody(body);
  const hash = sha256(body.prev_hash + canonical);
  return { hash, line: `${withHash(canonical, hash)}\n` };
}

/** For verify: the hash the record should carry, and the line it should have been written as (generic: any keys). */
export function expectedLine(record: AuditRecord): { hash: string; line: string } {
  const { hash: _ignored, ...body } = record;
  const canonical = canonicalJson(body);
  const hash = sha256(body.prev_hash + canonical);
  return { hash, line: withHash(canonical, record.hash) };
}
