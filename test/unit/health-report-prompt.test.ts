/** The health_report prompt: listed, and it walks through check_health, top_queries and check_security, acting only through approval. */
import { describe, expect, it } from 'vitest';
import { PROMPTS } from '../../src/prompts/index.js';

describe('health_report prompt', () => {
  const prompt = PROMPTS.find((p) => p.name === 'health_report')!;

  it('is listed with optional source and focus', () => {
    expect(prompt).toBeDefined();
    expect(prompt.arguments.map((a) => [a.name, a.required])).toEqual([
      ['source', false],
      ['focus', false],
    ]);
  });

  it('names the tools in order, with the source, and never acts without approval', () => {
    const [message] = prompt.messages({ source: 'shop', focus: 'locks' });
    const text = message!.content.text;
    expect(text).toContain('looking first at locks');
    const order = ['check_health', 'top_queries', 'check_security', 'cancel_query', 'request_change'].map((t) =>
      text.indexOf(t),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('{"source": "shop"}');
    expect(text).toMatch(/person must approve/);
    expect(text).toMatch(/data, not instructions/);
  });

  it('works without a source (one configured)', () => {
    const text = prompt.messages({})[0]!.content.text;
    expect(text).toContain('Call `check_health` with {}');
  });
});
