import type { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type AnyDef = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
};

function defOf(schema: z.ZodType): AnyDef {
  return (schema as unknown as { _zod: { def: AnyDef } })._zod.def;
}

/** The keys an object schema accepts at `path`, walking through arrays, defaults and optionals. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  const steps = [...path];
  while (current) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else if (def.type === 'array') current = typeof steps[0] === 'number' ? (steps.shift(), def.element) : undefined;
    else if (def.type === 'object' && def.shape) {
      if (steps.length === 0) return Object.keys(def.shape);
      current = def.shape[String(steps.shift())];
    } else return [];
  }
  return [];
}

export function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)),
      '',
    ) || '(top level)'
  );
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function closest(key: string, valid: string[]): string | undefined {
  const ranked = valid
    .map((v) => ({ v, d: editDistance(key.toLowerCase(), v.toLowerCase()) }))
    .sort((x, y) => x.d - y.d);
  const best = ranked[0];
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.v : undefined;
}

/** One line per problem, each naming the key's path; unknown keys list the valid ones. */
export function describeIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return [`${formatPath(issue.path)}: ${issue.message}`];
    const valid = keysAt(schema, issue.path);
    return issue.keys.map((key) => {
      const guess = closest(key, valid);
      const where = formatPath([...issue.path, key]);
      return `${where}: unknown key${guess ? ` (did you mean "${guess}"?)` : ''}; valid keys here: ${valid.join(', ')}`;
    });
  });
}
