import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toolJsonSchema } from '../../src/tools/json-schema.js';

describe('tool JSON Schemas', () => {
  it('writes a record of anything as additionalProperties: true, and a nullable field as anyOf', () => {
    const schema = toolJsonSchema(
      z.object({
        evidence: z.record(z.string(), z.unknown()),
        note: z.string().nullable(),
        counts: z.record(z.string(), z.number()),
      }),
      'output',
    );
    const props = schema.properties as Record<string, Record<string, unknown>>;
    expect(props.evidence!.additionalProperties).toBe(true);
    expect(props.counts!.additionalProperties).toEqual({ type: 'number' });
    expect(props.note!.type).toBeUndefined();
    expect(props.note!.anyOf).toEqual([{ type: 'string' }, { type: 'null' }]);
  });
});
