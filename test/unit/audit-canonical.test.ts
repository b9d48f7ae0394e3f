import { describe, expect, it } from 'vitest';
import {
  canonicalBody,
  canonicalJson,
  expectedLine,
  GENESIS,
  sealRecord,
  sha256,
  type RecordBody,
} from '../../src/audit/canonical.js';

const body = (over: Partial<RecordBody> = {}): RecordBody => ({
  v: 1,
  seq: 1,
  ts: '2026-11-24T21:00:00.000Z',
  kind: 'tool',
  name: 'run_query',
  outcome: 'ok',
  duration_ms: 1.5,
  prev_hash: GENESIS,
  ...over,
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, e: null })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1,"e":null}',
    );
  });

  it('is the same for the same value whatever the key order it was built in', () => {
    expect(canonicalJson({ x: 1, y: { p: 'a', q: 'b' } })).toBe(canonicalJson({ y: { q: 'b', p: 'a' }, x: 1 }));
  });

  it('keeps JSON.stringify escaping for strings, and null for non-finite numbers and holes', () => {
    expect(canonicalJson({ s: 'a"b\n\u0001é', n: NaN, i: Infinity, arr: [undefined, 1] })).toBe(
      '{"arr":[null,1],"i":null,"n":null,"s":"a\\"b\\n\\u0001é"}',
    );
  });

  it('sha256 is the hex digest of the UTF-8 text', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
  });

  it('round-trips through JSON.parse to the same text', () => {
    const value = {
      q: "SELECT 'ü' -- 😀",
      d: 0.1 + 0.2,
      big: 12345678901234,
      neg: -0.5,
      nested: { list: ['x', { k: true }] },
    };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });
});

describe('sealing a record', () => {
  it("the writer's fast serializer equals canonicalJson for a record with every field set", () => {
    const full: RecordBody = body({
      request_id: '7',
      session_id: 's',
      client: { name: 'c', version: '1' },
      source: 'demo',
      args: { z: 1, a: [{ y: 2, b: 3 }] },
      sql: 'SELECT 1',
      sql_fingerprint: '0123456789abcdef',
      classification: 'read',
      verdicts: [{ guard: 'g', decision: 'allow' }],
      approval: { id: 'a1', decided_by: 'alice', path: 'cli', decision: 'approved' },
      error_code: 'X',
      row_count: 3,
      truncated: true,
      details: { k: 'v' },
    });
    expect(Object.keys(full)).toHaveLength(22);
    expect(canonicalBody(full)).toBe(canonicalJson(full));
    expect(canonicalBody(body())).toBe(canonicalJson(body()));
  });

  it('hashes prev_hash + canonical(record without hash) and appends the hash as the last member', () => {
    const b = body({ args: { sql: 'SELECT 1' } });
    const { hash, line } = sealRecord(b);
    expect(hash).toBe(sha256(GENESIS + canonicalJson(b)));
    expect(line.endsWith(`,"hash":"${hash}"}\n`)).toBe(true);
    expect(JSON.parse(line)).toEqual({ ...b, hash });
  });

  it('expectedLine rebuilds the exact line and the true hash from the parsed record', () => {
    const { hash, line } = sealRecord(body());
    const parsed = JSON.parse(line);
    expect(expectedLine(parsed)).toEqual({ hash, line: line.slice(0, -1) });
  });

  it('a changed field changes the hash; a changed prev_hash changes it too', () => {
    const a = sealRecord(body()).hash;
    expect(sealRecord(body({ name: 'run_querY' })).hash).not.toBe(a);
    expect(sealRecord(body({ prev_hash: 'f'.repeat(64) })).hash).not.toBe(a);
  });
});
