/**
 * Canonical serialization and the hash chain. Canonical JSON: object keys sorted recursively,
 * no whitespace, undefined members left out, non-finite numbers as null (JSON.stringify's rules
 * otherwise). A record's hash is sha256(prev_hash + canonical(record without hash)); the first
 * record of a log chains to GENESIS. A line on disk is canonical(record without hash) with
 * `"hash":"..."` appended as its last member; verify rebuilds that exact line from the parsed
 * record, so a changed byte anywhere is either a different line or a different hash.
 */
import { createHash } from 'node:crypto';
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
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON());
  const obj = value as Record<string, unknown>;
  let out = '';
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out += `${out ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `{${out}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export type RecordBody = Omit<AuditRecord, 'hash'>;

function withHash(canonicalBody: string, hash: string): string {
  return `${canonicalBody.slice(0, -1)},"hash":"${hash}"}`;
}

/** The record with its hash, and the exact line (with its '\n') that goes to disk. */
export function sealRecord(body: RecordBody): { record: AuditRecord; line: string } {
  const canonical = canonicalJson(body);
  const hash = sha256(body.prev_hash + canonical);
  return { record: { ...body, hash }, line: `${withHash(canonical, hash)}\n` };
}

/** For verify: the hash the record should carry, and the line it should have been written as. */
export function expectedLine(record: AuditRecord): { hash: string; line: string } {
  const { hash: _ignored, ...body } = record;
  const canonical = canonicalJson(body);
  const hash = sha256(body.prev_hash + canonical);
  return { hash, line: withHash(canonical, record.hash) };
}
