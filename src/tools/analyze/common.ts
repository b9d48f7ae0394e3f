/** What every finding family shares: thresholds, the finding's shape, names and formatting. */
import type { PlanNode, PlanResult } from '../../engines/contract/query-plan.js';
import type { ColumnStats, TableDetail } from '../../engines/contract/engine.js';
import type { StatementFacts } from './statement.js';
export const LARGE_TABLE_ROWS = 10_000;
export const SELECTIVE_FRACTION = 0.1;
export const ESTIMATE_FACTOR = 10;
export const ESTIMATE_MIN_ROWS = 1_000;

export type Severity = 'critical' | 'warning' | 'info';
export type Evidence = Record<string, string | number | null>;

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  /** The plan node's id in the output plan and its one-line description. */
  node: string;
  node_id: number;
  evidence: Evidence;
  fix: string;
}

export const PROPOSE = 'propose_index verifies the best index; a first guess:';

export function tableKey(schema: string | undefined, name: string): string {
  return `${schema ?? ''}.${name}`.toLowerCase();
}

export function qualified(node: PlanNode): string {
  return node.schema && node.schema !== 'main' ? `${node.schema}.${node.relation}` : String(node.relation);
}

export function describeNode(node: PlanNode): string {
  const where = node.relation ? ` on ${qualified(node)}` : '';
  const index = node.index ? ` using ${node.index}` : '';
  return node.label.startsWith('SCAN') || node.label.startsWith('SEARCH')
    ? node.label
    : `${node.label}${where}${index}`;
}

/** The text with every parenthesized subquery `(SELECT ...)` / `(WITH ...)` removed: its columns belong to another scan. */
export function withoutSubqueries(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(' && /^\(\s*(SELECT|WITH)\b/i.test(text.slice(i, i + 12))) {
      let depth = 0;
      for (; i < text.length; i++) {
        if (text[i] === '(') depth++;
        else if (text[i] === ')' && --depth === 0) break;
      }
      out += '(subquery)';
    } else out += text[i];
  }
  return out;
}

/** Columns of the table named in a condition's text (outside subqueries), in order of appearance. */
export function columnsIn(text: string | undefined, table: TableDetail | undefined): string[] {
  if (!text || !table) return [];
  const known = new Map(table.columns.map((c) => [c.name.toLowerCase(), c.name]));
  const found: string[] = [];
  // drop string literals and subqueries, then take identifiers (quoted or bare), the last part of a dotted name
  const stripped = withoutSubqueries(text.replace(/'(?:[^']|'')*'/g, ' '));
  for (const m of stripped.matchAll(/[`"]?([A-Za-z_][A-Za-z0-9_$]*)[`"]?(?![`"]?\s*\.)/g)) {
    const col = known.get(m[1]!.toLowerCase());
    if (col && !found.includes(col)) found.push(col);
  }
  return found;
}

export const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(2));

export interface Ids {
  id(node: PlanNode): number;
}

/** What a finding family sees besides the node: the plan, the catalog and the statement. */
export interface Context {
  plan: PlanResult;
  facts: StatementFacts;
  tableOf(node: PlanNode): TableDetail | undefined;
  rowsOf(node: PlanNode): number | null;
  base(node: PlanNode): { node: string; node_id: number };
  /** The engine's statistics of a column of the node's table, when it keeps them. */
  statsOf(node: PlanNode, column: string): ColumnStats | undefined;
}

/**
 * distinct / null_fraction of a column for a finding's evidence (null when unknown), and its most
 * common values where the engine keeps them (PostgreSQL) and the column is not sensitive.
 */
export function statsEvidence(ctx: Context, node: PlanNode, column: string | undefined): Evidence {
  const s = column ? ctx.statsOf(node, column) : undefined;
  return {
    distinct: s?.distinct ?? null,
    null_fraction: s?.null_fraction ?? null,
    ...(s?.most_common?.length ? { most_common: s.most_common.join(', ') } : {}),
  };
}

/** Rows a node gives its parent over all loops: actual when analyzed, else the estimate. */
export function rowsOut(node: PlanNode, analyzed: boolean): number | undefined {
  if (analyzed && node.actualRows !== undefined) return node.actualRows * (node.loops ?? 1);
  return node.estRows;
}
