import { z } from 'zod';
import { ToolError } from '../../core/errors.js';
import type { TableSummary } from '../../engines/contract/engine.js';
import { decodeCursor, paginate } from '../../core/pagination.js';
import { defineTool } from '../define-tool.js';
import { renderTables } from './render-tables.js';
import { tablePolicy } from '../../guards/table-policy.js';

const DETAIL_LIMITS = {
  names: { default: 500, max: 2000 },
  summary: { default: 50, max: 200 },
  full: { default: 10, max: 50 },
} as const;

const ColumnSchema = z.object({
  name: z.string(),
  type: z.string(),
  nullable: z.boolean().optional(),
  default: z.string().nullable().optional(),
  comment: z.string().nullable().optional(),
});
const IndexSchema = z.object({
  name: z.string(),
  columns: z.array(z.string()),
  include: z.array(z.string()),
  unique: z.boolean(),
  primary: z.boolean(),
  method: z.string().nullable(),
  predicate: z.string().nullable(),
  valid: z.boolean(),
});
const ForeignKeySchema = z.object({
  name: z.string(),
  columns: z.array(z.string()),
  references: z.object({ schema: z.string(), name: z.string(), columns: z.array(z.string()) }),
  on_delete: z.string().nullable(),
  on_update: z.string().nullable(),
});
const TableSchema = z.object({
  schema: z.string(),
  name: z.string(),
  kind: z.string(),
  row_estimate: z.number().nullable().optional(),
  size_bytes: z.number().nullable().optional(),
  comment: z.string().nullable().optional(),
  columns: z.array(ColumnSchema).optional(),
  primary_key: z.array(z.string()).nullable().optional(),
  foreign_keys: z.array(ForeignKeySchema).optional(),
  indexes: z.array(IndexSchema).optional(),
});

function matches(search: string | undefined): (t: TableSummary) => boolean {
  if (!search) return () => true;
  const needle = search.toLowerCase();
  return (t) => t.name.toLowerCase().includes(needle) || `${t.schema}.${t.name}`.toLowerCase().includes(needle);
}

export const describeSchema = defineTool({
  name: 'describe_schema',
  title: 'Describe the schema',
  description:
    'List tables and views with their structure, a page at a time. detail=names gives names only (cheap, for orientation in big schemas); ' +
    'summary adds row and size estimates and column names and types; full adds nullability, defaults, primary and foreign keys and indexes. ' +
    'Filter with `search` (case-insensitive substring of the table name) and `schema`; follow `next_cursor` for more. ' +
    "Row counts are the catalog's estimates, not exact counts.",
  scope: 'source',
  access: 'read',
  input: {
    detail: z.enum(['names', 'summary', 'full']).default('summary').describe('How much to say per table.'),
    search: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Only tables whose name contains this text (case-insensitive).'),
    schema: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Only this schema (PostgreSQL schema, MySQL database, SQLite attached database).'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(2000)
      .optional()
      .describe('Tables per page. Default and ceiling by detail: names 500/2000, summary 50/200, full 10/50.'),
    cursor: z.string().max(500).optional().describe('next_cursor from the previous page, with the same filters.'),
  },
  output: {
    schemas: z.array(z.string()).describe('Every schema the login can see'),
    tables: z.array(TableSchema),
    total: z.number().int().describe('Tables matching the filters, across all pages'),
    next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  },
  async run({ detail, search, schema, limit, cursor }, ctx) {
    const bounds = DETAIL_LIMITS[detail];
    const pageSize = Math.min(limit ?? bounds.default, bounds.max);
    const key = JSON.stringify([detail, search ?? '', schema ?? '']);
    const offset = cursor === undefined ? 0 : decodeCursor(cursor, key);
    if (offset === undefined)
      throw new ToolError(
        'INVALID_CURSOR',
        'the cursor is malformed or belongs to other filters',
        'Pass next_cursor exactly as returned, with the same detail, search and schema; or drop it to start over.',
      );
    const [schemas, all] = await Promise.all([
      ctx.engine.listSchemas(),
      ctx.engine.listTables(schema ? { schema } : {}),
    ]);
    const policy = tablePolicy(ctx.source.deny_tables);
    const matching = all.filter((t) => !policy.denies(t)).filter(matches(search));
    const page = paginate(matching, offset, pageSize, key);
    const tables =
      detail === 'names'
        ? page.items.map((t) => ({ schema: t.schema, name: t.name, kind: t.kind }))
        : await describe(ctx.engine, page.items, detail);
    return { schemas, tables, total: matching.length, next_cursor: page.nextCursor };
  },
  render: (out) => renderTables(out),
});

async function describe(
  engine: { describeTables: (refs: TableSummary[]) => Promise<z.infer<typeof TableSchema>[]> },
  items: TableSummary[],
  detail: 'summary' | 'full',
) {
  const detailed = await engine.describeTables(items);
  if (detail === 'full') return detailed;
  return detailed.map(({ columns, foreign_keys: _fk, indexes: _ix, primary_key: _pk, ...summary }) => ({
    ...summary,
    columns: (columns ?? []).map((c) => ({ name: c.name, type: c.type })),
  }));
}
