/** describe_schema as compact text: one line per table, and for full detail a DDL-like block. */

interface Column {
  name: string;
  type: string;
  nullable?: boolean;
  default?: string | null;
}
interface Index {
  name: string;
  columns: string[];
  include: string[];
  unique: boolean;
  primary: boolean;
  method: string | null;
  predicate: string | null;
  valid: boolean;
}
interface ForeignKey {
  columns: string[];
  references: { schema: string; name: string; columns: string[] };
  on_delete: string | null;
}
interface Table {
  schema: string;
  name: string;
  kind: string;
  row_estimate?: number | null;
  size_bytes?: number | null;
  comment?: string | null;
  columns?: Column[];
  primary_key?: string[] | null;
  foreign_keys?: ForeignKey[];
  indexes?: Index[];
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

function headline(t: Table): string {
  const facts = [t.kind];
  if (t.row_estimate != null) facts.push(`~${Math.round(t.row_estimate)} rows`);
  if (t.size_bytes != null) facts.push(formatBytes(t.size_bytes));
  return `${t.schema}.${t.name} (${facts.join(', ')})${t.comment ? ` -- ${t.comment}` : ''}`;
}

function columnLine(c: Column): string {
  const parts = [c.name, c.type];
  if (c.nullable === false) parts.push('NOT NULL');
  if (c.default) parts.push(`DEFAULT ${c.default}`);
  return `  ${parts.join(' ')}`;
}

function indexLine(i: Index): string {
  const kind = i.primary ? 'PRIMARY KEY' : i.unique ? 'UNIQUE INDEX' : 'INDEX';
  const include = i.include.length ? ` INCLUDE (${i.include.join(', ')})` : '';
  const where = i.predicate ? ` WHERE ${i.predicate}` : '';
  return `  ${kind} ${i.name} (${i.columns.join(', ')})${include}${where}${i.method && i.method !== 'btree' ? ` USING ${i.method}` : ''}${i.valid ? '' : ' [INVALID]'}`;
}

function fullBlock(t: Table): string {
  const lines = [headline(t), ...(t.columns ?? []).map(columnLine)];
  const pkIndexed = (t.indexes ?? []).some((i) => i.primary);
  if (t.primary_key && !pkIndexed) lines.push(`  PRIMARY KEY (${t.primary_key.join(', ')})`);
  for (const fk of t.foreign_keys ?? []) {
    lines.push(
      `  FOREIGN KEY (${fk.columns.join(', ')}) -> ${fk.references.schema}.${fk.references.name}(${fk.references.columns.join(', ')})${fk.on_delete && fk.on_delete !== 'NO ACTION' ? ` ON DELETE ${fk.on_delete}` : ''}`,
    );
  }
  for (const ix of t.indexes ?? []) lines.push(indexLine(ix));
  return lines.join('\n');
}

function line(t: Table): string {
  if (t.indexes || t.foreign_keys) return fullBlock(t);
  if (t.columns) return `${headline(t)}: ${t.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`;
  return `${t.schema}.${t.name} (${t.kind})`;
}

export function renderTables(out: {
  tables: Table[];
  total: number;
  next_cursor: string | null;
  schemas: string[];
}): string {
  const shown = `${out.tables.length} of ${out.total} tables${out.next_cursor ? `; more: pass cursor "${out.next_cursor}"` : ''}`;
  return [`schemas: ${out.schemas.join(', ')}`, shown, ...out.tables.map(line)].join('\n');
}
