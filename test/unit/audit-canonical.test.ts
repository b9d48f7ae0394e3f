import { describe, expect, it } from 'vitest';
import { canonicalJson, expectedLine, GENESIS, sealRecord, sha256, type RecordBody } from '../../src/audit/canonical.js';

const body = (over: Partial<RecordBody> = {}): RecordBody => ({ v: 1, seq: 1, ts: '2026-11-24T21:00:00.000Z', kind: 'tool', name: 'run_query', outcome: 'ok', duration_ms: 1.5, prev_hash: GENESIS, ...over });

describe('canonical JSON', () => {
  it('sorts keys at every depth and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, e: null })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1,"e":null}');
  });

  it('is the same for the same value whatever the key order it was built in', () => {
    expect(canonicalJson({ x: 1, y: { p: 'a', q: 'b' } })).toBe(canonicalJson({ y: { q: 'b', p: 'a' }, x: 1 }));
  });

  it('keeps JSON.stringify escaping for strings, and null for non-finite numbers and holes', () => {
    expect(canonicalJson({ s: 'a"b\n\u0001é', n: NaN, i: Infinity, arr: [undefined, 1] })).toBe('{"arr":[null,1],"i":null,"n":null,"s":"a\\"b\\n\\u0001é"}');
  });

  it('round-trips through JSON.parse to the same text', () => {
    const value = { q: 'SELECT \'ü\' -- 😀', d: 0.1 + 0.2, big: 12345678901234, neg: -0.5, nested: { list: ['x', { k: true }] } };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });
});

describe('sealing a record', () => {
  it('hashes prev_hash + canonical(record without hash) and appends the hash as the last member', () => {
    const b = body({ args: { sql: 'SELECT 1' } });
    const { record, line } = sealRecord(b);
    expect(record.hash).toBe(sha256(GENESIS + canonicalJson(b)));
    expect(line.endsWith(`,"hash":"${record.hash}"}\n`)).toBe(true);
    expect(JSON.parse(line)).toEqual(record);
  });

  it('expectedLine rebuilds the exact line and the true hash from the parsed record', () => {
    const { record, line } = sealRecord(body());
    const parsed = JSON.parse(line);
    expect(expectedLine(parsed)).toEqual({ hash: record.hash, line: line.slice(0, -1) });
  });

  it('a changed field changes the hash; a changed prev_hash changes it too', () => {
    const a = sealRecord(body()).record.hash;
    expect(sealRecord(body({ name: 'run_querY' })).record.hash).not.toBe(a);
    expect(sealRecord(body({ prev_hash: 'f'.repeat(64) })).record.hash).not.toBe(a);
  });
});
