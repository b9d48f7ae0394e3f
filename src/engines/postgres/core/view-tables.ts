/** The base tables behind the relations a statement names: views and materialized views, followed all the way down. */
import type { TableName } from '../../../core/classification.js';
import type { PgDriver } from './driver.js';

/** The relations a statement names and, recursively, those their views and materialized views read. */
const RELATIONS_BEHIND = `
  WITH RECURSIVE rels AS (
    SELECT c.oid, n.nspname, c.relname, c.relkind
    FROM unnest($1::text[], $2::text[]) AS r(schema, name)
    JOIN pg_class c ON c.relname = r.name JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE CASE WHEN r.schema = '' THEN n.nspname = ANY (current_schemas(true)) ELSE n.nspname = r.schema END
    UNION
    SELECT c2.oid, n2.nspname, c2.relname, c2.relkind
    FROM rels
    JOIN pg_rewrite rw ON rw.ev_class = rels.oid AND rels.relkind IN ('v', 'm')
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
    JOIN pg_class c2 ON c2.oid = d.refobjid AND c2.oid <> rels.oid
    JOIN pg_namespace n2 ON n2.oid = c2.relnamespace)`;

const BEHIND_VIEWS_SQL = `${RELATIONS_BEHIND}
  SELECT DISTINCT nspname AS schema, relname AS name FROM rels`;

export async function tablesBehindViews(
  driver: PgDriver,
  tables: readonly TableName[],
  signal?: AbortSignal,
): Promise<TableName[]> {
  if (tables.length === 0) return [];
  return driver.catalog<TableName>(
    BEHIND_VIEWS_SQL,
    [tables.map((t) => t.schema ?? ''), tables.map((t) => t.name)],
    signal,
  );
}

/** Every table (and its inheritance and partition ancestors) the planner will read for a statement. */
const ANCESTORS_SQL = `
  WITH RECURSIVE rels AS (
    SELECT c.oid FROM unnest($1::text[], $2::text[]) AS r(schema, name)
    JOIN pg_namespace n ON n.nspname = r.schema JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = r.name
    UNION
    SELECT i.inhparent FROM rels JOIN pg_inherits i ON i.inhrelid = rels.oid)
  SELECT DISTINCT n.nspname AS schema, c.relname AS name
  FROM rels JOIN pg_class c ON c.oid = rels.oid JOIN pg_namespace n ON n.oid = c.relnamespace`;

interface PlanNode {
  'Relation Name'?: string;
  Schema?: string;
  Plans?: PlanNode[];
}

function relationsOf(node: PlanNode | undefined, out: TableName[]): void {
  if (!node) return;
  if (node['Relation Name']) out.push({ schema: node.Schema ?? '', name: node['Relation Name'] });
  for (const child of node.Plans ?? []) relationsOf(child, out);
}

/**
 * The tables a read reaches as the database resolves it: the relations of its plan (CTE scoping,
 * views, partitions and inheritance children as the planner sees them), with every ancestor of
 * each (a partition or child of a denied table is that table's data). Planning runs no user code:
 * the callables were judged before. Throws when the statement cannot be planned.
 */
export async function tablesInPlan(
  driver: PgDriver,
  sql: string,
  params: readonly unknown[],
  signal?: AbortSignal,
): Promise<TableName[]> {
  const [row] = await driver.catalog<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
    `EXPLAIN (VERBOSE, FORMAT JSON) ${sql}`,
    [...params],
    signal,
  );
  const relations: TableName[] = [];
  relationsOf(row?.['QUERY PLAN']?.[0]?.Plan, relations);
  if (relations.length === 0) return [];
  return driver.catalog<TableName>(
    ANCESTORS_SQL,
    [relations.map((t) => t.schema ?? ''), relations.map((t) => t.name)],
    signal,
  );
}

/** The functions and operators the views a statement names call (views of views followed), as `schema.name`. */
const VIEW_CALLS_SQL = `${RELATIONS_BEHIND}
  SELECT DISTINCT CASE WHEN d.refclassid = 'pg_proc'::regclass THEN pn.nspname || '.' || p.proname
                       ELSE 'operator:' || orn.nspname || '.' || o.oprname END AS name
  FROM rels
  JOIN pg_rewrite rw ON rw.ev_class = rels.oid AND rels.relkind = 'v'
  JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
   AND d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass)
  LEFT JOIN pg_proc p ON d.refclassid = 'pg_proc'::regclass AND p.oid = d.refobjid
  LEFT JOIN pg_namespace pn ON pn.oid = p.pronamespace
  LEFT JOIN pg_operator o ON d.refclassid = 'pg_operator'::regclass AND o.oid = d.refobjid
  LEFT JOIN pg_namespace orn ON orn.oid = o.oprnamespace`;

/** What the views among `tables` call: a read through a view runs it. */
export async function callsBehindViews(
  driver: PgDriver,
  tables: readonly TableName[],
  signal?: AbortSignal,
): Promise<string[]> {
  if (tables.length === 0) return [];
  const rows = await driver.catalog<{ name: string }>(
    VIEW_CALLS_SQL,
    [tables.map((t) => t.schema ?? ''), tables.map((t) => t.name)],
    signal,
  );
  return rows.map((r) => r.name);
}
