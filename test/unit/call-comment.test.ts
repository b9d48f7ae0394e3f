import { describe, expect, it } from 'vitest';
import { callComment, withCallComment } from '../../src/core/call-comment.js';

describe('the call comment', () => {
  it('names the session, the request and the source', () => {
    expect(callComment({ sessionId: 'abc-1', requestId: '42', source: 'shop' })).toBe(
      "/*dba_mcp_call='abc-1:42',dba_mcp_source='shop'*/",
    );
    expect(withCallComment('SELECT 1', { sessionId: undefined, requestId: '7', source: 'demo' })).toBe(
      "/*dba_mcp_call='stdio:7',dba_mcp_source='demo'*/\nSELECT 1",
    );
  });

  it('cannot be broken out of, whatever the ids hold', () => {
    const comment = callComment({ sessionId: 'x*/ DROP TABLE t; /*', requestId: "1'", source: 'a*/b' });
    expect(comment.match(/\*\//g)).toHaveLength(1);
    expect(comment).not.toMatch(/[ ;']{1}DROP/);
    expect(comment.endsWith('*/')).toBe(true);
  });
});
