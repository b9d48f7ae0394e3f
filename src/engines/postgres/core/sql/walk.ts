/** Visits every object node of a JSON AST (the shape libpg-query and most parsers produce). */
export type Visitor = (key: string, node: Record<string, unknown>, parentKey: string) => void;

export function walk(node: unknown, visit: Visitor, parentKey = ''): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit, parentKey);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (value && typeof value === 'object' && !Array.isArray(value))
      visit(key, value as Record<string, unknown>, parentKey);
    walk(value, visit, key);
  }
}
