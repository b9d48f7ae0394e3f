/**
 * Schema resources: dba://{source}/schema (the overview) and dba://{source}/tables/{schema}/{table}
 * (one table in full). Segments are percent-encoded, so any table name round-trips.
 */
import type { ResourceInfo } from './types.js';
import type { ResolvedSource } from '../config/load.js';
import type { Sources } from '../sources.js';
import { tablePolicy } from '../guards/table-policy.js';

export const TABLE_TEMPLATE = 'dba://{source}/tables/{schema}/{table}';

export type ParsedUri =
  { kind: 'schema'; source: string } | { kind: 'table'; source: string; schema: string; table: string };

export const schemaUri = (source: string) => `dba://${encodeURIComponent(source)}/schema`;
export const tableUri = (source: string, schema: string, table: string) =>
  `dba://${encodeURIComponent(source)}/tables/${encodeURIComponent(schema)}/${encodeURIComponent(table)}`;

export function parseUri(uri: string): ParsedUri | undefined {
  const m = /^dba:\/\/([^/]+)\/(?:(schema)|tables\/([^/]+)\/([^/]+))$/.exec(uri);
  if (!m) return undefined;
  try {
    const source = decodeURIComponent(m[1]!);
    return m[2]
      ? { kind: 'schema', source }
      : { kind: 'table', source, schema: decodeURIComponent(m[3]!), table: decodeURIComponent(m[4]!) };
  } catch {
    return undefined;
  }
}

/** Every resource of one source: its overview, then one per table (none when the database is down). */
export async function resourcesOf(sources: Sources, source: ResolvedSource): Promise<ResourceInfo[]> {
  const overview: ResourceInfo = {
    uri: schemaUri(source.id),
    name: `${source.id} schema`,
    description: `Schemas and tables of ${source.id}`,
    mimeType: 'application/json',
  };
  try {
    const policy = tablePolicy(source.deny_tables);
    const tables = (await (await sources.engine(source)).listTables()).filter((t) => !policy.denies(t));
    return [
      overview,
      ...tables.map((t): ResourceInfo => ({
        uri: tableUri(source.id, t.schema, t.name),
        name: `${source.id}: ${t.schema}.${t.name}`,
        mimeType: 'application/json',
      })),
    ];
  } catch {
    return [overview];
  }
}

export async function readSchemaResource(sources: Sources, parsed: ParsedUri): Promise<unknown | undefined> {
  const source = sources.list.find((s) => s.id === parsed.source);
  if (!source) return undefined;
  const engine = await sources.engine(source);
  const policy = tablePolicy(source.deny_tables);
  if (parsed.kind === 'schema') {
    const [schemas, tables] = await Promise.all([engine.listSchemas(), engine.listTables()]);
    return { source: source.id, schemas, tables: tables.filter((t) => !policy.denies(t)) };
  }
  if (policy.denies({ schema: parsed.schema, name: parsed.table })) return undefined;
  const [table] = await engine.describeTables([{ schema: parsed.schema, name: parsed.table }]);
  return table;
}
