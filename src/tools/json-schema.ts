/**
 * Tool schemas as JSON Schema that every client dialect accepts. zod writes nullable and
 * primitive-union fields as `type: [..]`; some clients (those mapping onto a single-`type`
 * dialect, such as Gemini's OpenAPI subset) reject that, so each becomes `anyOf` branches. A
 * record of anything (`additionalProperties: {}`) is written `additionalProperties: true`, which
 * strict validators (the Inspector's --strict) accept without a warning.
 */
import { z } from 'zod';

type Json = { [key: string]: unknown };

function portable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(portable);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = portable(value);
  const extra = out.additionalProperties;
  if (extra && typeof extra === 'object' && !Array.isArray(extra) && Object.keys(extra).length === 0)
    out.additionalProperties = true;
  if (Array.isArray(out.type)) {
    const types = out.type as string[];
    delete out.type;
    out.anyOf = types.map((type) => ({ type }));
  }
  return out;
}

export function toolJsonSchema(schema: z.ZodType, io: 'input' | 'output'): { type: 'object'; [key: string]: unknown } {
  return portable(z.toJSONSchema(schema, { target: 'draft-7', io })) as { type: 'object' };
}
